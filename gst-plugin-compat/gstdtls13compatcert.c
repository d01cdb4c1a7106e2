/* GStreamer plugin `dtls` of libdtls13 - the decoder's certificate: made
 * or loaded into a dtls13_config, and its PEM text for the `pem` property
 * (dtls13_config_certificate_der(), the certificate alone).
 *
 * The stock `pem` property's text (certificate and private key in one
 * string) is loaded from memory (dtls13_config_load_pem_mem): the private
 * key never touches a file system. */
#include "gstdtls13compat.h"

#include <string.h>

#include "dtls13/errors.h"
#include "gstdtls13pem.h"

#define GST_CAT_DEFAULT gst_dtls13_compat_debug

static dtls13_config *
finish (dtls13_config * holder, gchar ** pem, GError ** error)
{
  *pem = gst_dtls13_config_certificate_pem (holder);
  if (*pem == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "the configuration holds no certificate");
    dtls13_config_free (holder);
    return NULL;
  }
  return holder;
}

dtls13_config *
gst_dtls13_compat_generate_certificate (gchar ** pem, GError ** error)
{
  dtls13_config *holder = dtls13_config_new ();
  int rc = holder ? dtls13_config_generate_certificate (holder, NULL) : DTLS13_ERR_NO_MEMORY;

  *pem = NULL;
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "cannot generate a certificate: %s", dtls13_strerror (rc));
    dtls13_config_free (holder);
    return NULL;
  }
  return finish (holder, pem, error);
}

dtls13_config *
gst_dtls13_compat_load_certificate (const gchar * text, gchar ** pem, GError ** error)
{
  dtls13_config *holder = dtls13_config_new ();
  size_t len = strlen (text);
  int rc = holder ? dtls13_config_load_pem_mem (holder, text, len, text, len)
      : DTLS13_ERR_NO_MEMORY;

  *pem = NULL;
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "pem: %s (the text must hold a certificate and its private key)",
        dtls13_strerror (rc));
    dtls13_config_free (holder);
    return NULL;
  }
  return finish (holder, pem, error);
}
