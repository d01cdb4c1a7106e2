/* Fuzz target for the stateless listener (dtls13_listen and
 * dtls13_listener_accept).
 *
 * Input: one mode byte, then records of
 *   peer (1 byte: low 2 bits pick one of four addresses),
 *   clock step (1 byte: the virtual clock advances by step * 250 ms),
 *   length (2 bytes, big-endian; running past the end takes what is left),
 *   datagram.
 * Mode: (byte & 3) % 3 is the cookie mode (0 always, 1 never, 2 under load),
 * bit 2 sets under load, bit 3 the shortest cookie lifetime (1 s).
 *
 * Invariants: the result is DROP, SEND_HRR or ACCEPT; an HRR is one
 * DTLSPlaintext record holding one unfragmented HelloRetryRequest with a
 * cookie, no larger than 3 x the bytes that produced it (at most the whole
 * input so far); an accepted datagram may give a connection (or NULL when
 * the engine refuses it), which is freed. Nothing crashes or leaks.
 *
 * The seeds in corpus/listen/ hold ClientHellos of an in-process client
 * (first, second with a cookie of another listener, each split in two
 * fragments) in these records, for each mode. */
#include <stdint.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "fuzz/fuzz_target.h"
#include "record/record.h"
#include "wire/messages.h"
#include "wire/reader.h"

#define FUZZ_MAX_DATAGRAMS 32

/* As in fuzz_engine.c, the one exception to "no global mutable state":
 * the config (a generated P-256 certificate) is made once per process. */
static dtls13_config *fuzz_listen_config;

static dtls13_config *cached_config(void)
{
    if (!fuzz_listen_config) {
        dtls13_config *cfg = dtls13_config_new();
        FUZZ_CHECK(cfg != NULL);
        FUZZ_CHECK(dtls13_config_generate_certificate(cfg, "fuzz listener") == 0);
        fuzz_listen_config = cfg;
    }
    return fuzz_listen_config;
}

static int discard_datagram(void *user, const uint8_t *datagram, size_t len)
{
    (void)user;
    FUZZ_CHECK(datagram != NULL || len == 0);
    return 0;
}

static void check_hrr(const uint8_t *out, size_t len)
{
    d13_reader r;
    d13_reader_init(&r, out, len);
    d13_record_view rec;
    FUZZ_CHECK(d13_record_next(&r, &rec) == D13_DROP_NONE);
    FUZZ_CHECK(!rec.is_ciphertext && rec.content_type == D13_CT_HANDSHAKE && d13_reader_remaining(&r) == 0);
    d13_reader body;
    d13_reader_init(&body, rec.payload, rec.payload_len);
    d13_hs_header h;
    d13_bytes frag;
    FUZZ_CHECK(d13_hs_header_read(&body, &h, &frag) == 0 && d13_reader_remaining(&body) == 0);
    FUZZ_CHECK(h.msg_type == D13_HS_SERVER_HELLO && h.fragment_offset == 0 && h.fragment_length == h.length);
    FUZZ_CHECK(h.message_seq <= 1);
    d13_server_hello sh;
    FUZZ_CHECK(d13_server_hello_decode(frag.p, frag.len, &sh) == 0);
    FUZZ_CHECK(sh.is_hrr && (sh.ext.present & D13_HAS_COOKIE) && (sh.ext.present & D13_HAS_SUPPORTED_VERSIONS));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    d13_reader in;
    d13_reader_init(&in, data, size);
    uint8_t mode = 0;
    d13_read_u8(&in, &mode);
    dtls13_listener *l = dtls13_listener_new(cached_config(), (dtls13_cookie_mode)((mode & 3) % 3));
    FUZZ_CHECK(l != NULL);
    dtls13_listener_set_under_load(l, (mode & 4) != 0);
    if (mode & 8) FUZZ_CHECK(dtls13_listener_set_cookie_lifetime_ms(l, 1000) == 0);
    static const char *const peers[4] = {"192.0.2.1:5000", "192.0.2.1:5001", "[2001:db8::1]:443", "x"};
    uint64_t now = 1000;
    size_t consumed = 1;
    for (int i = 0; i < FUZZ_MAX_DATAGRAMS && d13_reader_remaining(&in) > 0; i++) {
        uint8_t peer = 0, step = 0;
        uint16_t len = 0;
        d13_read_u8(&in, &peer);
        d13_read_u8(&in, &step);
        d13_read_u16(&in, &len);
        if (len > d13_reader_remaining(&in)) len = (uint16_t)d13_reader_remaining(&in);
        const uint8_t *dgram = NULL;
        if (!d13_read_bytes(&in, len, &dgram)) break;
        consumed += 4u + len;
        now += (uint64_t)step * 250u;
        const char *addr = peers[peer & 3];
        uint8_t out[512];
        size_t out_len = 0;
        int r = dtls13_listen(l, dgram, len, addr, strlen(addr), now, out, sizeof(out), &out_len);
        FUZZ_CHECK(r == DTLS13_LISTEN_DROP || r == DTLS13_LISTEN_SEND_HRR || r == DTLS13_LISTEN_ACCEPT);
        if (r == DTLS13_LISTEN_SEND_HRR) {
            FUZZ_CHECK(out_len > 0 && out_len <= sizeof(out) && out_len <= 3 * consumed);
            check_hrr(out, out_len);
        } else {
            FUZZ_CHECK(out_len == 0);
        }
        if (r == DTLS13_LISTEN_ACCEPT) {
            dtls13_conn *c = dtls13_listener_accept(l, dgram, len, addr, strlen(addr), discard_datagram, NULL, now);
            if (c) FUZZ_CHECK(dtls13_conn_state(c) == DTLS13_STATE_HANDSHAKING);
            dtls13_conn_free(c);
        }
    }
    dtls13_listener_stats st;
    dtls13_listener_get_stats(l, &st);
    FUZZ_CHECK(st.hrr_sent + st.accepted <= st.datagrams);
    dtls13_listener_free(l);
    return 0;
}
