/* Offers and checks shared by the SFU room's test (test_sfu_room.c) and
 * its fuzz target (tests/fuzz/fuzz_sfu_room.c). */
#ifndef D13_TESTS_SFU_TEST_PEERS_H
#define D13_TESTS_SFU_TEST_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include "sfu_room.h"

/** The browser's fingerprint in every offer, and ours in every answer. */
#define SFU_TEST_FINGERPRINT                                                                                       \
    "sha-256 12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"
/** Our one host candidate. */
#define SFU_TEST_CANDIDATE "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"

/** A Chromium-like offer: `slots` video m-lines (VP8 at video_pt), then
 *  `slots` audio m-lines (opus at audio_pt), all sendrecv and bundled,
 *  with a=setup:setup. Free it with g_free(). */
char *sfu_test_offer(const char *setup, int video_pt, int audio_pt, int slots);

/** Whether ssrc is one the peer's answer announced. */
bool sfu_test_is_slot_ssrc(const sfu_peer *p, uint32_t ssrc);

#endif
