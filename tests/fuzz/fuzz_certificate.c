/* Fuzz target: Certificate messages, and SPKI extraction from each entry. */
#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_certificate m;
    if (d13_certificate_decode(data, size, &m) != 0) return 0;
    FUZZ_CHECK(m.num_certs <= D13_MAX_CERTS);
    for (size_t i = 0; i < m.num_certs; i++) {
        d13_bytes spki;
        FUZZ_CHECK(m.certs[i].len > 0);
        if (d13_der_certificate_spki(m.certs[i].p, m.certs[i].len, &spki) == 0)
            FUZZ_CHECK(spki.len > 0 && spki.len <= m.certs[i].len);
    }
    return 0;
}
