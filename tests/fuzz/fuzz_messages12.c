/* Fuzz target for the DTLS 1.2 codecs (wire/messages12.h): every decoder
 * runs on the whole input. Each of these encodings is canonical, so an
 * accepted input must re-encode to exactly the same bytes (unless a list
 * was longer than the kept entries). */
#include <string.h>

#include "fuzz/fuzz_target.h"
#include "wire/messages12.h"

/* Room for any re-encoding of an input the driver or libFuzzer passes. */
#define OUT_CAP 70000

/* The writer holds exactly the input again. */
static void check_same(const d13_writer *w, const uint8_t *data, size_t size)
{
    FUZZ_CHECK(!d13_writer_failed(w));
    FUZZ_CHECK(d13_writer_len(w) == size);
    FUZZ_CHECK(size == 0 || memcmp(w->buf, data, size) == 0);
}

static void fuzz_hello_verify_request(const uint8_t *data, size_t size, d13_writer *w)
{
    d12_hello_verify_request m;
    if (d12_hello_verify_request_decode(data, size, &m) != 0) return;
    FUZZ_CHECK(m.cookie.len <= D12_MAX_COOKIE && m.cookie.len + 3 == size);
    FUZZ_CHECK(d12_hello_verify_request_encode(w, &m));
    check_same(w, data, size);
}

static void fuzz_server_key_exchange(const uint8_t *data, size_t size, d13_writer *w)
{
    d12_server_key_exchange m;
    if (d12_server_key_exchange_decode(data, size, &m) != 0) return;
    FUZZ_CHECK(data[0] == D12_EC_CURVE_TYPE_NAMED);
    FUZZ_CHECK(m.public_key.len >= 1 && m.signature.len >= 1);
    FUZZ_CHECK(m.params.p == data && m.params.len == 4 + m.public_key.len);
    FUZZ_CHECK(d12_ecdh_params_encode(w, m.group, m.public_key.p, m.public_key.len));
    FUZZ_CHECK(d13_writer_len(w) == m.params.len);
    FUZZ_CHECK(d12_signed_params_encode(w, m.sig_scheme, m.signature.p, m.signature.len));
    check_same(w, data, size);
}

static void fuzz_client_key_exchange(const uint8_t *data, size_t size, d13_writer *w)
{
    d12_client_key_exchange m;
    if (d12_client_key_exchange_decode(data, size, &m) != 0) return;
    FUZZ_CHECK(m.public_key.len >= 1 && m.public_key.len + 1 == size);
    FUZZ_CHECK(d12_client_key_exchange_encode(w, &m));
    check_same(w, data, size);
}

static void fuzz_certificate_request(const uint8_t *data, size_t size, d13_writer *w)
{
    d12_certificate_request m, again;
    if (d12_certificate_request_decode(data, size, &m) != 0) return;
    FUZZ_CHECK(m.certificate_types.len >= 1);
    FUZZ_CHECK(m.num_sig_algs >= 1 && m.num_sig_algs <= D13_MAX_LIST);
    if (m.sig_algs_truncated) return; /* re-encoding would not fit the list */
    FUZZ_CHECK(d12_certificate_request_encode(w, &m));
    check_same(w, data, size);
    FUZZ_CHECK(d12_certificate_request_decode(w->buf, d13_writer_len(w), &again) == 0);
    FUZZ_CHECK(again.num_sig_algs == m.num_sig_algs);
}

static void fuzz_certificate(const uint8_t *data, size_t size, d13_writer *w)
{
    d12_certificate m;
    if (d12_certificate_decode(data, size, &m) != 0) return;
    FUZZ_CHECK(m.num_certs <= D13_MAX_CERTS);
    for (size_t i = 0; i < m.num_certs; i++) FUZZ_CHECK(m.certs[i].len >= 1);
    if (m.certs_truncated) return;
    FUZZ_CHECK(d12_certificate_encode(w, &m));
    check_same(w, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[OUT_CAP];
    d13_writer w;
    if (size > OUT_CAP) return 0;
    d13_writer_init(&w, out, sizeof out);
    fuzz_hello_verify_request(data, size, &w);
    d13_writer_init(&w, out, sizeof out);
    fuzz_server_key_exchange(data, size, &w);
    d13_writer_init(&w, out, sizeof out);
    fuzz_client_key_exchange(data, size, &w);
    d13_writer_init(&w, out, sizeof out);
    fuzz_certificate_request(data, size, &w);
    d13_writer_init(&w, out, sizeof out);
    fuzz_certificate(data, size, &w);
    FUZZ_CHECK((d12_empty_message_decode(data, size) == 0) == (size == 0));
    return 0;
}
