/* Fuzz target: extension blocks. The first byte picks the message context
 * (modulo 7); the rest is the block. Accepted blocks are re-encoded and must
 * decode again to the same lists. */
#include <string.h>

#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[70000];
    if (size < 1) return 0;
    d13_reader r;
    uint8_t selector;
    const uint8_t *block;
    size_t block_len;
    d13_reader_init(&r, data, size);
    d13_read_u8(&r, &selector);
    d13_read_rest(&r, &block, &block_len);
    d13_ext_context ctx = (d13_ext_context)(selector % 7);
    d13_extensions e, again;
    if (d13_extensions_decode(block, block_len, ctx, &e) != 0) return 0;
    FUZZ_CHECK(e.num_versions <= D13_MAX_LIST && e.num_groups <= D13_MAX_LIST);
    FUZZ_CHECK(e.num_sig_algs <= D13_MAX_LIST && e.num_srtp_profiles <= D13_MAX_LIST);
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    FUZZ_CHECK(d13_extensions_encode(&w, ctx, &e));
    FUZZ_CHECK(d13_writer_len(&w) >= 2);
    FUZZ_CHECK(d13_extensions_decode(out + 2, d13_writer_len(&w) - 2, ctx, &again) == 0);
    FUZZ_CHECK(again.num_groups == e.num_groups);
    FUZZ_CHECK(memcmp(again.groups, e.groups, e.num_groups * sizeof e.groups[0]) == 0);
    FUZZ_CHECK(again.num_sig_algs == e.num_sig_algs);
    FUZZ_CHECK(again.num_shares == e.num_shares);
    FUZZ_CHECK(again.num_srtp_profiles == e.num_srtp_profiles);
    FUZZ_CHECK(again.cookie.len == e.cookie.len);
    FUZZ_CHECK(again.record_size_limit == e.record_size_limit);
    return 0;
}
