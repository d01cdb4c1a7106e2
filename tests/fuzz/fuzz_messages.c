/* Fuzz target for the small decoders. The first byte picks the decoder:
 * 0 handshake headers (walked like a record's plaintext), 1
 * EncryptedExtensions, 2 CertificateRequest, 3 CertificateVerify, 4
 * Finished, 5 KeyUpdate, 6 NewSessionTicket, 7 Alert, 8 ACK (modulo 9). */
#include "dtls13/constants.h"
#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

#define FUZZ_MESSAGE_KINDS 9

static void fuzz_hs_headers(const uint8_t *p, size_t n)
{
    d13_reader r;
    d13_reader_init(&r, p, n);
    while (d13_reader_remaining(&r) > 0) {
        d13_hs_header h;
        d13_bytes frag;
        if (d13_hs_header_read(&r, &h, &frag) != 0) {
            FUZZ_CHECK(d13_reader_failed(&r));
            break;
        }
        FUZZ_CHECK(h.fragment_offset + h.fragment_length <= h.length);
        FUZZ_CHECK(frag.len == h.fragment_length);
    }
}

static void fuzz_ack(const uint8_t *p, size_t n)
{
    static uint8_t out[2 + D13_MAX_ACK_ENTRIES * 16];
    d13_ack m, again;
    if (d13_ack_decode(p, n, &m) != 0) return;
    FUZZ_CHECK(m.num_records <= D13_MAX_ACK_ENTRIES);
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    FUZZ_CHECK(d13_ack_encode(&w, &m));
    FUZZ_CHECK(d13_ack_decode(out, d13_writer_len(&w), &again) == 0);
    FUZZ_CHECK(again.num_records == m.num_records);
}

static void fuzz_certificate_request(const uint8_t *p, size_t n)
{
    static uint8_t out[70000];
    d13_certificate_request m, again;
    if (d13_certificate_request_decode(p, n, &m) != 0) return;
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    FUZZ_CHECK(d13_certificate_request_encode(&w, &m));
    FUZZ_CHECK(d13_certificate_request_decode(out, d13_writer_len(&w), &again) == 0);
    FUZZ_CHECK(again.ext.num_sig_algs == m.ext.num_sig_algs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_reader r;
    uint8_t selector;
    const uint8_t *p;
    size_t n;
    if (size < 1) return 0;
    d13_reader_init(&r, data, size);
    d13_read_u8(&r, &selector);
    d13_read_rest(&r, &p, &n);
    switch (selector % FUZZ_MESSAGE_KINDS) {
    case 0:
        fuzz_hs_headers(p, n);
        break;
    case 1: {
        d13_encrypted_extensions m;
        (void)d13_encrypted_extensions_decode(p, n, &m);
        break;
    }
    case 2:
        fuzz_certificate_request(p, n);
        break;
    case 3: {
        d13_certificate_verify m;
        if (d13_certificate_verify_decode(p, n, &m) == 0) FUZZ_CHECK(m.signature.len + 4 == n);
        break;
    }
    case 4: {
        d13_finished m;
        FUZZ_CHECK(d13_finished_decode(p, n, &m) == 0 && m.verify_data.len == n);
        break;
    }
    case 5: {
        d13_key_update m;
        if (d13_key_update_decode(p, n, &m) == 0) FUZZ_CHECK(m.request_update <= 1 && n == 1);
        break;
    }
    case 6: {
        d13_new_session_ticket m;
        if (d13_new_session_ticket_decode(p, n, &m) == 0) FUZZ_CHECK(m.ticket.len > 0);
        break;
    }
    case 7: {
        d13_alert m;
        FUZZ_CHECK((d13_alert_decode(p, n, &m) == 0) == (n == 2));
        break;
    }
    default:
        fuzz_ack(p, n);
        break;
    }
    return 0;
}
