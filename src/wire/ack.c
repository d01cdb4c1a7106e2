/* ACK message (RFC 9147 7): RecordNumber record_numbers<0..2^16-1>. */
#include "dtls13/constants.h"
#include "wire/messages.h"

#define RECORD_NUMBER_LEN 16

int d13_ack_decode(const uint8_t *body, size_t len, d13_ack *out)
{
    d13_reader r, list;
    out->num_records = 0;
    out->truncated = false;
    d13_reader_init(&r, body, len);
    if (!d13_read_vec16(&r, &list) || !d13_reader_done(&r) ||
        d13_reader_remaining(&list) % RECORD_NUMBER_LEN != 0)
        return DTLS13_ALERT_DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        d13_record_number rn;
        if (!d13_read_u64(&list, &rn.epoch) || !d13_read_u64(&list, &rn.seq))
            return DTLS13_ALERT_DECODE_ERROR;
        if (out->num_records < D13_MAX_ACK_ENTRIES)
            out->records[out->num_records++] = rn;
        else
            out->truncated = true;
    }
    return 0;
}

bool d13_ack_encode(d13_writer *w, const d13_ack *m)
{
    if (m->num_records > D13_MAX_ACK_ENTRIES) w->failed = true;
    size_t mark = d13_write_vec_begin(w, 2);
    for (size_t i = 0; i < m->num_records && i < D13_MAX_ACK_ENTRIES; i++) {
        d13_write_u64(w, m->records[i].epoch);
        d13_write_u64(w, m->records[i].seq);
    }
    return d13_write_vec_end(w, mark, 2);
}
