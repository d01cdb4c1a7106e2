/* Reading an extensions<..> vector from a message (see messages.h). */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_extensions_read(d13_reader *r, d13_ext_context ctx, d13_extensions *out)
{
    d13_reader block;
    const uint8_t *p;
    size_t n;
    if (!d13_read_vec16(r, &block)) {
        (void)d13_extensions_decode(NULL, 0, ctx, out);
        return DTLS13_ALERT_DECODE_ERROR;
    }
    d13_read_rest(&block, &p, &n);
    return d13_extensions_decode(p, n, ctx, out);
}
