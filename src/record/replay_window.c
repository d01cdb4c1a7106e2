/* Sliding replay window over 64 sequence numbers (RFC 9147 4.5.1,
 * the IPsec anti-replay algorithm of RFC 4303 3.4.3). */
#include "record/record.h"

#define REPLAY_WINDOW_SIZE 64u

bool d13_replay_check(const d13_replay_window *w, uint64_t seq)
{
    uint64_t behind;

    if (!w->any || seq > w->highest) return false;
    behind = w->highest - seq;
    if (behind >= REPLAY_WINDOW_SIZE) return true;
    return (w->bitmap >> behind) & 1u;
}

void d13_replay_update(d13_replay_window *w, uint64_t seq)
{
    if (!w->any) {
        w->any = true;
        w->highest = seq;
        w->bitmap = 1;
        return;
    }
    if (seq > w->highest) {
        uint64_t ahead = seq - w->highest;
        w->bitmap = ahead >= REPLAY_WINDOW_SIZE ? 1 : (w->bitmap << ahead) | 1;
        w->highest = seq;
        return;
    }
    if (w->highest - seq < REPLAY_WINDOW_SIZE) w->bitmap |= UINT64_C(1) << (w->highest - seq);
}
