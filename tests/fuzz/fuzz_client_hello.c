/* Fuzz target: ClientHello decoding, and decode(encode(decode(x))) agreeing
 * with decode(x) on what the encoder writes. */
#include <string.h>

#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[70000];
    d13_client_hello m, again;
    if (d13_client_hello_decode(data, size, &m) != 0) return 0;
    FUZZ_CHECK(m.extensions_offset <= size);
    FUZZ_CHECK(m.num_cipher_suites >= 1 && m.num_cipher_suites <= D13_MAX_SUITES);
    FUZZ_CHECK(m.ext.num_shares <= D13_MAX_SHARES);
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    FUZZ_CHECK(d13_client_hello_encode(&w, &m));
    FUZZ_CHECK(d13_client_hello_decode(out, d13_writer_len(&w), &again) == 0);
    FUZZ_CHECK(again.num_cipher_suites == m.num_cipher_suites);
    FUZZ_CHECK(memcmp(again.cipher_suites, m.cipher_suites,
                      m.num_cipher_suites * sizeof m.cipher_suites[0]) == 0);
    FUZZ_CHECK(memcmp(again.random, m.random, 32) == 0);
    FUZZ_CHECK(again.ext.num_shares == m.ext.num_shares);
    FUZZ_CHECK(again.ext.num_versions == m.ext.num_versions);
    FUZZ_CHECK(again.ext.num_srtp_profiles == m.ext.num_srtp_profiles);
    return 0;
}
