/* GStreamer dtls13 plugin - certificates as PEM text. See the header. */
#include "gstdtls13pem.h"

#include <string.h>

gchar *
gst_dtls13_der_to_pem (const guint8 * der, gsize len)
{
  gchar *b64 = g_base64_encode (der, len);
  GString *pem = g_string_new ("-----BEGIN CERTIFICATE-----\n");
  size_t total = strlen (b64);

  for (size_t i = 0; i < total; i += 64)
    g_string_append_printf (pem, "%.*s\n", (int) MIN ((size_t) 64, total - i), b64 + i);
  g_string_append (pem, "-----END CERTIFICATE-----\n");
  g_free (b64);
  return g_string_free (pem, FALSE);
}

gchar *
gst_dtls13_config_certificate_pem (const dtls13_config * holder)
{
  size_t len = 0;
  const uint8_t *der = dtls13_config_certificate_der (holder, &len);

  return der != NULL ? gst_dtls13_der_to_pem (der, len) : NULL;
}

void
gst_dtls13_pem_free (gchar * pem)
{
  /* Through a volatile pointer, so that the stores before the free are
   * not optimised away. */
  volatile gchar *p = pem;

  if (pem == NULL)
    return;
  while (*p != '\0')
    *p++ = '\0';
  g_free (pem);
}
