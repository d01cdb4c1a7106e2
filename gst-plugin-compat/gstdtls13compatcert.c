/* GStreamer plugin `dtls` of libdtls13 - the decoder's certificate: made
 * or loaded into a dtls13_config, and its PEM text for the `pem` property
 * (dtls13_config_certificate_der(), the certificate alone).
 *
 * libdtls13 loads PEM from files only, so the stock `pem` property's text
 * is loaded through an anonymous memory file (memfd): the private key
 * never touches a file system. */
#define _GNU_SOURCE
#include "gstdtls13compat.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Writes text into an anonymous memory file; returns its fd, or -1. */
static int
memory_file (const gchar * text)
{
  size_t len = strlen (text), done = 0;
  int fd = memfd_create ("dtls13compat-pem", MFD_CLOEXEC);

  while (fd >= 0 && done < len) {
    ssize_t n = write (fd, text + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      close (fd);
      fd = -1;
    } else {
      done += (size_t) n;
    }
  }
  return fd;
}

dtls13_config *
gst_dtls13_compat_load_certificate (const gchar * text, gchar ** pem, GError ** error)
{
  dtls13_config *holder = dtls13_config_new ();
  int fd = memory_file (text);
  int rc = DTLS13_ERR_IO;

  *pem = NULL;
  if (holder != NULL && fd >= 0) {
    gchar *path = g_strdup_printf ("/proc/self/fd/%d", fd);
    rc = dtls13_config_load_pem (holder, path, path);
    g_free (path);
  }
  if (fd >= 0)
    close (fd);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "pem: %s (the text must hold a certificate and its private key)",
        fd < 0 ? g_strerror (errno) : dtls13_strerror (rc));
    dtls13_config_free (holder);
    return NULL;
  }
  return finish (holder, pem, error);
}
