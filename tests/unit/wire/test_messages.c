/* Tests for the smaller codecs: handshake header, EncryptedExtensions,
 * CertificateRequest, Certificate, CertificateVerify, Finished, KeyUpdate,
 * NewSessionTicket, Alert and ACK. */
#include "dtls13/constants.h"
#include "test.h"
#include "unit/wire/rfc8448_vectors.h"
#include "unit/wire/wire_test_util.h"
#include "wire/messages.h"

#define DE DTLS13_ALERT_DECODE_ERROR
#define IP DTLS13_ALERT_ILLEGAL_PARAMETER

static int dec_ee(const uint8_t *p, size_t n)
{
    d13_encrypted_extensions m;
    return d13_encrypted_extensions_decode(p, n, &m);
}
static int dec_cr(const uint8_t *p, size_t n)
{
    d13_certificate_request m;
    return d13_certificate_request_decode(p, n, &m);
}
static int dec_cert(const uint8_t *p, size_t n)
{
    d13_certificate m;
    return d13_certificate_decode(p, n, &m);
}
static int dec_cv(const uint8_t *p, size_t n)
{
    d13_certificate_verify m;
    return d13_certificate_verify_decode(p, n, &m);
}
static int dec_ku(const uint8_t *p, size_t n)
{
    d13_key_update m;
    return d13_key_update_decode(p, n, &m);
}
static int dec_nst(const uint8_t *p, size_t n)
{
    d13_new_session_ticket m;
    return d13_new_session_ticket_decode(p, n, &m);
}
static int dec_alert(const uint8_t *p, size_t n)
{
    d13_alert m;
    return d13_alert_decode(p, n, &m);
}
static int dec_ack(const uint8_t *p, size_t n)
{
    d13_ack m;
    return d13_ack_decode(p, n, &m);
}
static int dec_hs(const uint8_t *p, size_t n)
{
    d13_reader r;
    d13_hs_header h;
    d13_bytes frag;
    d13_reader_init(&r, p, n);
    return d13_hs_header_read(&r, &h, &frag);
}

static void test_hs_header(d13_test_state *t)
{
    uint8_t buf[64];
    size_t n = test_hex("01 000010 0003 000004 000008 0102030405060708 0b 000000 0004 000000 000000",
                        buf, sizeof buf);
    d13_reader r;
    d13_hs_header h;
    d13_bytes frag;
    d13_reader_init(&r, buf, n);
    CHECK_EQ(d13_hs_header_read(&r, &h, &frag), 0);
    CHECK_EQ(h.msg_type, D13_HS_CLIENT_HELLO);
    CHECK_EQ(h.length, 16);
    CHECK_EQ(h.message_seq, 3);
    CHECK_EQ(h.fragment_offset, 4);
    CHECK_EQ(h.fragment_length, 8);
    CHECK_EQ(frag.len, 8);
    CHECK_EQ(frag.p[0], 1);
    CHECK_EQ(frag.p[7], 8);
    /* A second message in the same record, with an empty body. */
    CHECK_EQ(d13_hs_header_read(&r, &h, &frag), 0);
    CHECK_EQ(h.msg_type, D13_HS_CERTIFICATE);
    CHECK_EQ(h.message_seq, 4);
    CHECK_EQ(frag.len, 0);
    CHECK(d13_reader_done(&r));
    CHECK_EQ(wire_accepted_prefixes(dec_hs, buf, 20), 0);
    /* Fragment beyond the message length. */
    CHECK_EQ(wire_decode_hex(dec_hs, "01 000010 0000 00000c 000008 0102030405060708"), DE);
    CHECK_EQ(wire_decode_hex(dec_hs, "01 000010 0000 000011 000000"), DE);
    CHECK_EQ(wire_decode_hex(dec_hs, "01 000010 0000 000010 000000"), 0);
    CHECK_EQ(wire_decode_hex(dec_hs, "01 ffffff 0000 fffffe 000002 aa"), DE);
    d13_reader_init(&r, buf, 0);
    CHECK_EQ(d13_hs_header_read(&r, &h, &frag), DE);
    /* The reader is left failed after a semantic error. */
    n = test_hex("01 000004 0000 000003 000002 aabb", buf, sizeof buf);
    d13_reader_init(&r, buf, n);
    CHECK_EQ(d13_hs_header_read(&r, &h, &frag), DE);
    CHECK(d13_reader_failed(&r));
    /* Encode. */
    d13_hs_header in = {D13_HS_FINISHED, 0x123456, 0xabcd, 0x010203, 0x040506};
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_hs_header_write(&w, &in));
    uint8_t want[12];
    test_hex("14 123456 abcd 010203 040506", want, sizeof want);
    CHECK_EQ(d13_writer_len(&w), D13_HS_HEADER_LEN);
    CHECK_MEM(buf, want, 12);
    in.length = 0x1000000;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_hs_header_write(&w, &in));
    d13_writer_init(&w, buf, 11);
    in.length = 1;
    CHECK(!d13_hs_header_write(&w, &in));
}

static void test_encrypted_extensions(d13_test_state *t)
{
    uint8_t body[64];
    size_t n = test_hex(rfc8448_ee_hex, body, sizeof body);
    d13_encrypted_extensions m;
    CHECK_EQ(d13_encrypted_extensions_decode(body, n, &m), 0);
    CHECK_EQ(m.ext.num_groups, 9);
    CHECK_EQ(m.ext.record_size_limit, 0x4001);
    CHECK_EQ(wire_accepted_prefixes(dec_ee, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ee, body, n), DE);
    CHECK_EQ(wire_decode_hex(dec_ee, "0000"), 0);
    CHECK_EQ(wire_decode_hex(dec_ee, "0009 000e 0005 0002 0007 00"), 0);
    CHECK_EQ(wire_decode_hex(dec_ee, "0004 fafa 0000"), DTLS13_ALERT_UNSUPPORTED_EXTENSION);
    uint8_t again[64];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_encrypted_extensions_encode(&w, &m));
    d13_encrypted_extensions m2;
    CHECK_EQ(d13_encrypted_extensions_decode(again, d13_writer_len(&w), &m2), 0);
    CHECK_EQ(m2.ext.present, m.ext.present);
    CHECK_EQ(d13_writer_len(&w), n); /* same extensions, same size */
}

static void test_certificate_request(d13_test_state *t)
{
    static const char *cr = "02 abcd 000a 000d 0006 0004 0403 0804";
    CHECK_EQ(wire_decode_hex(dec_cr, cr), 0);
    uint8_t body[64];
    size_t n = test_hex(cr, body, sizeof body);
    d13_certificate_request m;
    CHECK_EQ(d13_certificate_request_decode(body, n, &m), 0);
    CHECK_EQ(m.context.len, 2);
    CHECK_EQ(m.ext.num_sig_algs, 2);
    CHECK_EQ(wire_accepted_prefixes(dec_cr, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cr, body, n), DE);
    CHECK_EQ(wire_decode_hex(dec_cr, "00 0000"), DTLS13_ALERT_MISSING_EXTENSION);
    CHECK_EQ(wire_decode_hex(dec_cr, "00 0004 fafa 0000"), DTLS13_ALERT_MISSING_EXTENSION);
    CHECK_EQ(wire_decode_hex(dec_cr, "00 0005 000e 0001 00"), IP); /* use_srtp in CR */
    uint8_t again[64];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_certificate_request_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
}

static void test_certificate(d13_test_state *t)
{
    static uint8_t body[512], der[512];
    size_t n = test_hex(rfc8448_cert_hex, body, sizeof body);
    size_t der_len = test_hex(rfc8448_der_hex, der, sizeof der);
    d13_certificate m;
    CHECK_EQ(d13_certificate_decode(body, n, &m), 0);
    CHECK_EQ(m.context.len, 0);
    CHECK_EQ(m.num_certs, 1);
    CHECK_EQ(m.certs[0].len, der_len);
    CHECK_MEM(m.certs[0].p, der, der_len);
    CHECK_EQ(wire_accepted_prefixes(dec_cert, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cert, body, n), DE);
    /* Encode gives the RFC bytes back (the entry has empty extensions). */
    static uint8_t again[512];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_certificate_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    /* Empty list (no client certificate), with a context. */
    CHECK_EQ(wire_decode_hex(dec_cert, "01 aa 000000"), 0);
    /* Empty cert_data. */
    CHECK_EQ(wire_decode_hex(dec_cert, "00 000005 000000 0000"), DE);
    /* Entry without its extensions. */
    CHECK_EQ(wire_decode_hex(dec_cert, "00 000004 000001 aa"), DE);
    /* Entry extensions are validated: a misplaced one, and unknown ones ignored. */
    CHECK_EQ(wire_decode_hex(dec_cert, "00 00000a 000001 aa 0004 002a 0000"), IP);
    CHECK_EQ(wire_decode_hex(dec_cert, "00 00000a 000001 aa 0004 0005 0000"), 0);
    /* Ten certificates: eight kept. */
    uint8_t many[128];
    d13_writer_init(&w, many, sizeof many);
    d13_write_u8(&w, 0);
    d13_write_u24(&w, 60);
    for (int i = 0; i < 10; i++) {
        d13_write_u24(&w, 1);
        d13_write_u8(&w, (uint8_t)i);
        d13_write_u16(&w, 0);
    }
    CHECK_EQ(d13_certificate_decode(many, d13_writer_len(&w), &m), 0);
    CHECK_EQ(m.num_certs, D13_MAX_CERTS);
    CHECK(m.certs_truncated);
    CHECK_EQ(m.certs[7].p[0], 7);
}

static void test_certificate_verify(d13_test_state *t)
{
    uint8_t body[256];
    size_t n = test_hex(rfc8448_cv_hex, body, sizeof body);
    d13_certificate_verify m;
    CHECK_EQ(d13_certificate_verify_decode(body, n, &m), 0);
    CHECK_EQ(m.scheme, DTLS13_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(m.signature.len, 128);
    CHECK_EQ(m.signature.p[0], 0x5a);
    CHECK_EQ(wire_accepted_prefixes(dec_cv, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cv, body, n), DE);
    CHECK_EQ(wire_decode_hex(dec_cv, "0403 0000"), DE); /* empty signature */
    uint8_t again[256];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_certificate_verify_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
}

static void test_finished_and_key_update(d13_test_state *t)
{
    uint8_t body[64];
    size_t n = test_hex(rfc8448_fin_hex, body, sizeof body);
    d13_finished f;
    CHECK_EQ(d13_finished_decode(body, n, &f), 0);
    CHECK_EQ(f.verify_data.len, 32);
    CHECK(f.verify_data.p == body);
    uint8_t again[64];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_finished_encode(&w, &f));
    CHECK_EQ(d13_writer_len(&w), 32);
    CHECK_MEM(again, body, 32);
    d13_writer_init(&w, again, 31);
    CHECK(!d13_finished_encode(&w, &f));

    d13_key_update k;
    CHECK_EQ(wire_decode_hex(dec_ku, "00"), 0);
    CHECK_EQ(wire_decode_hex(dec_ku, "01"), 0);
    CHECK_EQ(wire_decode_hex(dec_ku, "02"), IP);
    CHECK_EQ(wire_decode_hex(dec_ku, "ff"), IP);
    CHECK_EQ(wire_decode_hex(dec_ku, ""), DE);
    CHECK_EQ(wire_decode_hex(dec_ku, "0100"), DE);
    k.request_update = 1;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_key_update_encode(&w, &k));
    CHECK_EQ(d13_writer_len(&w), 1);
    CHECK_EQ(again[0], 1);
}

static void test_new_session_ticket(d13_test_state *t)
{
    /* RFC 8448 Section 3 NewSessionTicket body. */
    static const char *nst =
        "0000001e fad6aac5 02 0000 00b2 2c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33"
        "fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d"
        "64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529"
        "513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c6"
        "21a79141ef5f7de6505e5bfbc388e93343694093934ae4d357 0008 002a 0004 00000400";
    uint8_t body[512];
    size_t n = test_hex(nst, body, sizeof body);
    d13_new_session_ticket m;
    CHECK_EQ(d13_new_session_ticket_decode(body, n, &m), 0);
    CHECK_EQ(m.lifetime, 30);
    CHECK_EQ(m.age_add, 0xfad6aac5u);
    CHECK_EQ(m.nonce.len, 2);
    CHECK_EQ(m.ticket.len, 0xb2);
    CHECK(m.ext.present & D13_HAS_EARLY_DATA);
    CHECK_EQ(wire_accepted_prefixes(dec_nst, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_nst, body, n), DE);
    CHECK_EQ(wire_decode_hex(dec_nst, "00000001 00000002 00 0000 0000"), DE); /* empty ticket */
    CHECK_EQ(wire_decode_hex(dec_nst, "00000001 00000002 00 0001 aa 0000"), 0);
    CHECK_EQ(wire_decode_hex(dec_nst, "00000001 00000002 00 0001 aa 0004 fafa 0000"), 0);
    CHECK_EQ(wire_decode_hex(dec_nst, "00000001 00000002 00 0001 aa 0004 000a 0000"), IP);
    /* Round trip (our encoder does not write NST early_data). */
    m.ext.present = 0;
    uint8_t again[512];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_new_session_ticket_encode(&w, &m));
    d13_new_session_ticket m2;
    CHECK_EQ(d13_new_session_ticket_decode(again, d13_writer_len(&w), &m2), 0);
    CHECK_EQ(m2.lifetime, 30);
    CHECK_EQ(m2.ticket.len, 0xb2);
    CHECK_MEM(m2.ticket.p, m.ticket.p, 0xb2);
    CHECK_EQ(d13_writer_len(&w), n - 8);
}

static void test_alert(d13_test_state *t)
{
    uint8_t body[2] = {2, 40};
    d13_alert a;
    CHECK_EQ(d13_alert_decode(body, 2, &a), 0);
    CHECK_EQ(a.level, 2);
    CHECK_EQ(a.description, DTLS13_ALERT_HANDSHAKE_FAILURE);
    CHECK_EQ(wire_accepted_prefixes(dec_alert, body, 2), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_alert, body, 2), DE);
    a.level = 1;
    a.description = DTLS13_ALERT_CLOSE_NOTIFY;
    uint8_t out[2];
    d13_writer w;
    d13_writer_init(&w, out, sizeof out);
    CHECK(d13_alert_encode(&w, &a));
    CHECK_EQ(out[0], 1);
    CHECK_EQ(out[1], 0);
    d13_writer_init(&w, out, 1);
    CHECK(!d13_alert_encode(&w, &a));
}

static void test_ack(d13_test_state *t)
{
    uint8_t body[64];
    size_t n = test_hex("0020 0000000000000002 0000000000000005 0000000000000003 0000ffffffffffff",
                        body, sizeof body);
    d13_ack m;
    CHECK_EQ(d13_ack_decode(body, n, &m), 0);
    CHECK_EQ(m.num_records, 2);
    CHECK(m.records[0].epoch == 2);
    CHECK(m.records[0].seq == 5);
    CHECK(m.records[1].epoch == 3);
    CHECK(m.records[1].seq == 0xffffffffffffull);
    CHECK(!m.truncated);
    CHECK_EQ(wire_accepted_prefixes(dec_ack, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ack, body, n), DE);
    CHECK_EQ(wire_decode_hex(dec_ack, "0000"), 0);
    CHECK_EQ(wire_decode_hex(dec_ack, "000f 000000000000000200000000000000"), DE); /* not x16 */
    uint8_t again[64];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_ack_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    /* 70 entries: all validated, 64 kept. */
    static uint8_t big[2 + 70 * 16];
    d13_writer_init(&w, big, sizeof big);
    d13_write_u16(&w, 70 * 16);
    for (uint64_t i = 0; i < 70; i++) {
        d13_write_u64(&w, 1);
        d13_write_u64(&w, i);
    }
    CHECK_EQ(d13_ack_decode(big, sizeof big, &m), 0);
    CHECK_EQ(m.num_records, D13_MAX_ACK_ENTRIES);
    CHECK(m.truncated);
    CHECK(m.records[63].seq == 63);
    m.num_records = D13_MAX_ACK_ENTRIES + 1;
    d13_writer_init(&w, big, sizeof big);
    CHECK(!d13_ack_encode(&w, &m));
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_hs_header);
    RUN_TEST(&st, test_encrypted_extensions);
    RUN_TEST(&st, test_certificate_request);
    RUN_TEST(&st, test_certificate);
    RUN_TEST(&st, test_certificate_verify);
    RUN_TEST(&st, test_finished_and_key_update);
    RUN_TEST(&st, test_new_session_ticket);
    RUN_TEST(&st, test_alert);
    RUN_TEST(&st, test_ack);
    TEST_MAIN_END(&st);
}
