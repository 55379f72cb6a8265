/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: input bytes become a sequence of operations on every
 * primitive (tests/stress/async-sync-model.c, model_sequence_decode():
 * 3 bytes of setup, then 2 bytes per operation), run on the library and on
 * the reference model, compared step by step (async-sync-model-check.c).
 * A mismatch prints the sequence in the text form that test-model replays
 * (ASYNC_SYNC_MODEL_REPLAY=file) and aborts, so that libFuzzer keeps the
 * input; ASan and UBSan reports abort too.  Criticals and warnings are
 * fatal.
 *
 * Built and run by build-aux/fuzz.  With ASYNC_SYNC_FUZZ_PRINT=1, every
 * input run (e.g. `fuzz-model crash-file`) prints its sequence first;
 * ASYNC_SYNC_FUZZ_ENCODE=in.txt:out.bin makes a seed from a text sequence.
 */

#include <stdio.h>
#include <stdlib.h>

#include "async-sync-model-check.h"

int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const guint8  *data,
                            size_t         size);

static gboolean print_sequences;

/* ASYNC_SYNC_FUZZ_ENCODE=in.txt:out.bin turns a text sequence (as
 * test-model prints and replays) into a fuzzing seed, then exits. */
static void
encode (const gchar *spec)
{
  g_auto(GStrv) paths = g_strsplit (spec, ":", 2);
  g_autofree gchar *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  static ModelSequence seq;

  if (g_strv_length (paths) != 2 ||
      !g_file_get_contents (paths[0], &text, NULL, &error) ||
      !model_sequence_parse (text, &seq, &error))
    g_error ("ASYNC_SYNC_FUZZ_ENCODE=%s: %s", spec, error != NULL ? error->message : "want in:out");

  bytes = model_sequence_encode (&seq);
  if (!g_file_set_contents (paths[1], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("%s", error->message);
  exit (0);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  if (g_getenv ("ASYNC_SYNC_FUZZ_ENCODE") != NULL)
    encode (g_getenv ("ASYNC_SYNC_FUZZ_ENCODE"));

  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  print_sequences = g_strcmp0 (g_getenv ("ASYNC_SYNC_FUZZ_PRINT"), "1") == 0;
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static ModelSequence seq;
  GString *report = g_string_new (NULL);

  model_sequence_decode (data, size, &seq);

  if (print_sequences)
    {
      GString *text = g_string_new (NULL);

      model_sequence_format (&seq, text);
      fprintf (stderr, "%s", text->str);
      g_string_free (text, TRUE);
    }

  if (!model_check_run (&seq, MODEL_CHECK_NONE, report))
    {
      GString *text = g_string_new (NULL);

      model_sequence_format (&seq, text);
      fprintf (stderr, "\nMODEL MISMATCH:\n%s\nThe sequence (replay it with "
               "ASYNC_SYNC_MODEL_REPLAY=<file> test-model):\n%s\n",
               report->str, text->str);
      abort ();
    }

  g_string_free (report, TRUE);
  return 0;
}
