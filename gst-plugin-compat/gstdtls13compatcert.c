/* GStreamer plugin `dtls` of libdtls13 - the decoder's certificate: made
 * or loaded into a dtls13_config, and its PEM text for the `pem` property.
 *
 * libdtls13's public API hands out the fingerprint of the local
 * certificate but not the certificate itself, and loads PEM from files
 * only. So the certificate is read back the way a peer sees it: a client
 * and a server connection, both on this certificate, run the first two
 * flights in memory (the engine is sans-IO: no socket, no clock, a few
 * milliseconds of CPU) and the client's dtls13_conn_peer_certificate() is
 * the DER of exactly the certificate the handshakes will present. PEM text
 * is loaded through an anonymous memory file (memfd), so the private key
 * never touches a file system. */
#define _GNU_SOURCE
#include "gstdtls13compat.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dtls13/conn.h"
#include "dtls13/constants.h"
#include "dtls13/errors.h"

#define GST_CAT_DEFAULT gst_dtls13_compat_debug

/* Flights run in memory before the server's Certificate is read; a
 * HelloRetryRequest would take one more. */
#define MAX_ROUNDS 4

static gchar *
der_to_pem (const uint8_t * der, size_t len)
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

static int
collect (void *user, const uint8_t * datagram, size_t len)
{
  g_ptr_array_add (user, g_bytes_new (datagram, len));
  return 0;
}

/* Hands every datagram queued so far to conn; what conn sends meanwhile
 * is queued on the other side's array. */
static void
deliver (GPtrArray * queue, dtls13_conn * conn)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < queue->len; i++)
    g_ptr_array_add (batch, g_bytes_ref (queue->pdata[i]));
  g_ptr_array_set_size (queue, 0);
  for (guint i = 0; i < batch->len; i++) {
    gsize len;
    const guint8 *data = g_bytes_get_data (batch->pdata[i], &len);
    dtls13_conn_handle_datagram (conn, data, len, 0);
  }
  g_ptr_array_unref (batch);
}

static dtls13_config *
config_with (const dtls13_config * holder)
{
  dtls13_config *cfg = dtls13_config_new ();

  if (cfg != NULL && dtls13_config_copy_certificate (cfg, holder) != 0) {
    dtls13_config_free (cfg);
    cfg = NULL;
  }
  return cfg;
}

/* The PEM of the certificate holder presents, or NULL. */
static gchar *
presented_certificate (const dtls13_config * holder)
{
  dtls13_config *client_cfg = config_with (holder), *server_cfg = config_with (holder);
  GPtrArray *to_server = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GPtrArray *to_client = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  dtls13_conn *client = NULL, *server = NULL;
  gchar *pem = NULL;

  if (client_cfg == NULL || server_cfg == NULL)
    goto out;
  client = dtls13_conn_new (client_cfg, DTLS13_ROLE_CLIENT, collect, to_server);
  server = dtls13_conn_new (server_cfg, DTLS13_ROLE_SERVER, collect, to_client);
  if (client == NULL || server == NULL)
    goto out;
  dtls13_conn_set_peer_address_validated (server);
  if (dtls13_conn_start (server, 0) != 0 || dtls13_conn_start (client, 0) != 0)
    goto out;
  for (int round = 0; round < MAX_ROUNDS && pem == NULL; round++) {
    size_t len = 0;
    const uint8_t *der;
    deliver (to_server, server);
    deliver (to_client, client);
    der = dtls13_conn_peer_certificate (client, &len);
    if (der != NULL)
      pem = der_to_pem (der, len);
  }
out:
  dtls13_conn_free (client);
  dtls13_conn_free (server);
  dtls13_config_free (client_cfg);
  dtls13_config_free (server_cfg);
  g_ptr_array_unref (to_server);
  g_ptr_array_unref (to_client);
  return pem;
}

static dtls13_config *
finish (dtls13_config * holder, gchar ** pem, GError ** error)
{
  *pem = presented_certificate (holder);
  if (*pem == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "cannot read back the certificate");
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
