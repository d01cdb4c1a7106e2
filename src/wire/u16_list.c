/* Vectors of uint16 values (see u16_list.h). */
#include "wire/u16_list.h"

#include "dtls13/constants.h"

int d13_u16_list_read(d13_reader *list, uint16_t *out, size_t cap, size_t *num, bool *truncated)
{
    size_t len = d13_reader_remaining(list);
    *num = 0;
    if (d13_reader_failed(list) || len < 2 || len % 2 != 0) return DTLS13_ALERT_DECODE_ERROR;
    while (d13_reader_remaining(list) > 0) {
        uint16_t v;
        if (!d13_read_u16(list, &v)) return DTLS13_ALERT_DECODE_ERROR;
        if (*num < cap)
            out[(*num)++] = v;
        else
            *truncated = true;
    }
    return 0;
}

bool d13_u16_list_write(d13_writer *w, unsigned prefix_bytes, const uint16_t *values, size_t num,
                        size_t cap)
{
    if (num > cap) {
        w->failed = true;
        return false;
    }
    size_t mark = d13_write_vec_begin(w, prefix_bytes);
    for (size_t i = 0; i < num; i++) d13_write_u16(w, values[i]);
    return d13_write_vec_end(w, mark, prefix_bytes);
}
