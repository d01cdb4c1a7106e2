/* Fuzz target: SubjectPublicKeyInfo extraction from a DER certificate. */
#include "fuzz/fuzz_target.h"
#include "wire/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_bytes spki;
    if (d13_der_certificate_spki(data, size, &spki) != 0) return 0;
    FUZZ_CHECK(spki.len >= 2 && spki.len <= size);
    FUZZ_CHECK(spki.p[0] == 0x30);
    return 0;
}
