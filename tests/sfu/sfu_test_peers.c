/* See sfu_test_peers.h. */
#include "sfu_test_peers.h"

#include <glib.h>

char *sfu_test_offer(const char *setup, int video_pt, int audio_pt, int slots)
{
    GString *s = g_string_new("v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE");
    for (int i = 0; i < 2 * slots; i++) g_string_append_printf(s, " %d", i);
    g_string_append(s, "\r\na=msid-semantic: WMS\r\n");
    for (int i = 0; i < 2 * slots; i++) {
        bool video = i < slots;
        int pt = video ? video_pt : audio_pt;
        g_string_append_printf(s, "m=%s 9 UDP/TLS/RTP/SAVPF %d\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n",
                               video ? "video" : "audio", pt);
        g_string_append(s, "a=ice-ufrag:Brws\r\na=ice-pwd:browserpasswordbrowserpw\r\n"
                           "a=fingerprint:" SFU_TEST_FINGERPRINT "\r\n");
        g_string_append_printf(s, "a=setup:%s\r\na=mid:%d\r\na=sendrecv\r\na=rtcp-mux\r\n", setup, i);
        if (video)
            g_string_append_printf(s, "a=rtpmap:%d VP8/90000\r\na=rtcp-fb:%d nack pli\r\n", pt, pt);
        else
            g_string_append_printf(s, "a=rtpmap:%d opus/48000/2\r\n", pt);
    }
    return g_string_free(s, FALSE);
}

bool sfu_test_is_slot_ssrc(const sfu_peer *p, uint32_t ssrc)
{
    const dtls13_sdp_answer *a = sfu_peer_answer(p);
    for (size_t i = 0; i < a->media_count; i++)
        if (a->media[i].ssrc && a->media[i].ssrc == ssrc) return true;
    return false;
}
