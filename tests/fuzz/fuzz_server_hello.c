/* Fuzz target: ServerHello / HelloRetryRequest decoding and re-encoding. */
#include <string.h>

#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[70000];
    d13_server_hello m, again;
    if (d13_server_hello_decode(data, size, &m) != 0) return 0;
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    FUZZ_CHECK(d13_server_hello_encode(&w, &m));
    FUZZ_CHECK(d13_server_hello_decode(out, d13_writer_len(&w), &again) == 0);
    FUZZ_CHECK(again.is_hrr == m.is_hrr);
    FUZZ_CHECK(again.cipher_suite == m.cipher_suite);
    FUZZ_CHECK(again.ext.selected_version == m.ext.selected_version);
    FUZZ_CHECK(again.ext.server_share.key_exchange.len == m.ext.server_share.key_exchange.len);
    FUZZ_CHECK(again.ext.cookie.len == m.ext.cookie.len);
    return 0;
}
