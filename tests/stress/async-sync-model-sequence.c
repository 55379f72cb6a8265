/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sequences of model operations: their text form (printed by failing runs,
 * read back by ASYNC_SYNC_MODEL_REPLAY and the directed scenarios), their
 * random generation from a seed, and the fuzzer's byte encoding.  The
 * grammar is in async-sync-model.h.
 */

#include "async-sync-model.h"

#include <gio/gio.h>

#include <string.h>

static const gchar *const op_names[MODEL_N_OPS] = {
  [MODEL_OP_ACQUIRE] = "acquire",
  [MODEL_OP_TRY_ACQUIRE] = "try-acquire",
  [MODEL_OP_RELEASE] = "release",
  [MODEL_OP_WAIT] = "wait",
  [MODEL_OP_SET] = "set",
  [MODEL_OP_CLEAR] = "clear",
  [MODEL_OP_RESET] = "reset",
  [MODEL_OP_ABORT] = "abort",
  [MODEL_OP_COND_WAIT] = "cond-wait",
  [MODEL_OP_COND_WAIT_FOR] = "cond-wait-for",
  [MODEL_OP_NOTIFY] = "notify",
  [MODEL_OP_NOTIFY_ALL] = "notify-all",
  [MODEL_OP_SET_FLAG] = "set-flag",
  [MODEL_OP_PUT] = "put",
  [MODEL_OP_GET] = "get",
  [MODEL_OP_TRY_PUT] = "try-put",
  [MODEL_OP_TRY_GET] = "try-get",
  [MODEL_OP_TASK_DONE] = "task-done",
  [MODEL_OP_JOIN] = "join",
  [MODEL_OP_SHUTDOWN] = "shutdown",
  [MODEL_OP_CANCEL] = "cancel",
  [MODEL_OP_RENEW] = "renew",
  [MODEL_OP_EXPIRE] = "expire",
  [MODEL_OP_ITERATE] = "iterate",
  [MODEL_OP_RUN_IDLE] = "run-idle",
};

static const gchar *const target_names[MODEL_N_TARGETS] = {
  "lock", "cond0", "cond1", "event", "sem", "bsem", "barrier", "queue", "rw-read", "rw-write",
};

static const gchar *const prop_names[MODEL_N_PROPS] = {
  "lock:locked", "cond1-lock:locked", "event:is-set", "sem:value", "bsem:value",
  "barrier:broken", "queue:length", "rw:n-readers", "rw:write-locked",
};

static const gchar *const result_names[MODEL_N_RESULTS] = {
  "ok", "cancelled", "timed-out", "not-locked", "value", "invalid-argument",
  "broken-barrier", "shut-down", "would-block", "false", "other-error",
};

static const gchar *const canc_kind_names[MODEL_N_CANC_KINDS] = {
  "plain", "expired", "future", "expiring",
};

const gchar *
model_result_name (ModelResult result)
{
  return result < MODEL_N_RESULTS ? result_names[result] : "?";
}

/* ---- text form ---- */

void
model_setup_format (const ModelSetup *setup,
                    GString          *out)
{
  guint i;

  g_string_append_printf (out, "setup sem=%u bsem=%u parties=%u maxsize=%u homes=",
                          setup->sem_value, setup->bsem_value, setup->parties, setup->maxsize);
  for (i = 0; i < MODEL_N_HOMES; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? "," : "", setup->home[i] % MODEL_N_CONTEXTS);
}

static void
append_canc (const ModelOp *op,
             GString       *out)
{
  if (op->canc < 0)
    g_string_append (out, " canc=-");
  else
    g_string_append_printf (out, " canc=%d", op->canc % MODEL_N_SLOTS);
}

static void
append_ctx_canc (const ModelOp *op,
                 GString       *out)
{
  g_string_append_printf (out, " ctx=%u", op->ctx % MODEL_N_CONTEXTS);
  append_canc (op, out);
}

/* The weighted calls: "permits=n" (absent: the single-permit call). */
static void
append_permits (const ModelOp *op,
                GString       *out)
{
  if ((op->target == MODEL_TARGET_SEM || op->target == MODEL_TARGET_BSEM) && op->arg > 0)
    g_string_append_printf (out, " permits=%u", op->arg - 1);
}

void
model_op_format (const ModelOp *op,
                 GString       *out)
{
  const gchar *target = op->target < MODEL_N_TARGETS ? target_names[op->target] : "?";

  g_string_append (out, op_names[op->kind]);

  switch ((ModelOpKind) op->kind)
    {
    case MODEL_OP_ACQUIRE:
      g_string_append_printf (out, " %s", target);
      append_ctx_canc (op, out);
      append_permits (op, out);
      break;
    case MODEL_OP_TRY_ACQUIRE:
    case MODEL_OP_RELEASE:
      g_string_append_printf (out, " %s", target);
      append_permits (op, out);
      break;
    case MODEL_OP_WAIT:
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_PUT:
    case MODEL_OP_GET:
    case MODEL_OP_JOIN:
      g_string_append_printf (out, " %s", target);
      append_ctx_canc (op, out);
      break;
    case MODEL_OP_COND_WAIT_FOR:
      g_string_append_printf (out, " %s", target);
      append_ctx_canc (op, out);
      g_string_append_printf (out, " flag=%u", op->arg % MODEL_N_FLAGS);
      break;
    case MODEL_OP_NOTIFY:
      g_string_append_printf (out, " %s n=%u", target, op->arg);
      break;
    case MODEL_OP_SET:
    case MODEL_OP_CLEAR:
    case MODEL_OP_RESET:
    case MODEL_OP_ABORT:
    case MODEL_OP_NOTIFY_ALL:
    case MODEL_OP_TRY_PUT:
    case MODEL_OP_TRY_GET:
    case MODEL_OP_TASK_DONE:
      g_string_append_printf (out, " %s", target);
      break;
    case MODEL_OP_SHUTDOWN:
      g_string_append_printf (out, " %s ctx=%u immediate=%u", target, op->ctx % MODEL_N_CONTEXTS,
                              op->arg != 0);
      break;
    case MODEL_OP_SET_FLAG:
      g_string_append_printf (out, " flag=%u value=%d", op->arg % MODEL_N_FLAGS, op->canc != 0);
      break;
    case MODEL_OP_CANCEL:
    case MODEL_OP_EXPIRE:
      append_canc (op, out);
      break;
    case MODEL_OP_RENEW:
      append_canc (op, out);
      if (op->arg % MODEL_N_CANC_KINDS != MODEL_CANC_PLAIN)
        g_string_append_printf (out, " kind=%s", canc_kind_names[op->arg % MODEL_N_CANC_KINDS]);
      break;
    case MODEL_OP_ITERATE:
      g_string_append_printf (out, " ctx=%u", op->ctx % MODEL_N_CONTEXTS);
      break;
    case MODEL_OP_RUN_IDLE:
    case MODEL_N_OPS:
    default:
      break;
    }
}

void
model_sequence_format (const ModelSequence *seq,
                       GString             *out)
{
  guint i;

  model_setup_format (&seq->setup, out);
  g_string_append_c (out, '\n');
  for (i = 0; i < seq->n_ops; i++)
    {
      model_op_format (&seq->ops[i], out);
      g_string_append_c (out, '\n');
    }
}

static gboolean
parse_uint (const gchar *s,
            guint       *value)
{
  guint64 v;
  gchar *end;

  v = g_ascii_strtoull (s, &end, 10);
  if (end == s || *end != '\0' || v > G_MAXUINT)
    return FALSE;
  *value = v;
  return TRUE;
}

static gboolean
parse_name (const gchar        *word,
            const gchar *const *names,
            guint               n_names,
            guint              *value)
{
  guint k;

  for (k = 0; k < n_names; k++)
    if (g_strcmp0 (word, names[k]) == 0)
      {
        *value = k;
        return TRUE;
      }

  return FALSE;
}

/* One "key=value" or target word of an operation line. */
static gboolean
parse_op_word (const gchar *w,
               ModelOp     *op)
{
  guint v;

  if (g_str_has_prefix (w, "ctx="))
    {
      if (!parse_uint (w + 4, &v))
        return FALSE;
      op->ctx = v % MODEL_N_CONTEXTS;
    }
  else if (g_str_has_prefix (w, "canc="))
    {
      if (g_strcmp0 (w + 5, "-") == 0)
        op->canc = -1;
      else if (parse_uint (w + 5, &v))
        op->canc = v % MODEL_N_SLOTS;
      else
        return FALSE;
    }
  else if (g_str_has_prefix (w, "flag=") || g_str_has_prefix (w, "n=") ||
           g_str_has_prefix (w, "immediate="))
    {
      if (!parse_uint (strchr (w, '=') + 1, &v))
        return FALSE;
      op->arg = g_str_has_prefix (w, "immediate=") ? v != 0 : v;
    }
  else if (g_str_has_prefix (w, "permits="))
    {
      if (!parse_uint (w + 8, &v) || v > 1000)
        return FALSE;
      op->arg = v + 1;
    }
  else if (g_str_has_prefix (w, "value="))
    {
      if (!parse_uint (w + 6, &v))
        return FALSE;
      op->canc = v != 0;
    }
  else if (g_str_has_prefix (w, "kind="))
    {
      if (!parse_name (w + 5, canc_kind_names, MODEL_N_CANC_KINDS, &v))
        return FALSE;
      op->arg = v;
    }
  else
    {
      if (!parse_name (w, target_names, MODEL_N_TARGETS, &v))
        return FALSE;
      op->target = v;
    }

  return TRUE;
}

static gboolean
parse_op_line (gchar   **words,
               ModelOp  *op)
{
  guint kind, i;

  memset (op, 0, sizeof *op);
  op->canc = -1;

  if (!parse_name (words[0], op_names, MODEL_N_OPS, &kind))
    return FALSE;
  op->kind = kind;

  for (i = 1; words[i] != NULL; i++)
    if (*words[i] != '\0' && !parse_op_word (words[i], op))
      return FALSE;

  return TRUE;
}

static void
parse_setup_line (gchar      **words,
                  ModelSetup  *setup)
{
  guint j;

  for (j = 1; words[j] != NULL; j++)
    {
      if (g_str_has_prefix (words[j], "sem="))
        parse_uint (words[j] + 4, &setup->sem_value);
      else if (g_str_has_prefix (words[j], "bsem="))
        parse_uint (words[j] + 5, &setup->bsem_value);
      else if (g_str_has_prefix (words[j], "parties="))
        parse_uint (words[j] + 8, &setup->parties);
      else if (g_str_has_prefix (words[j], "maxsize="))
        parse_uint (words[j] + 8, &setup->maxsize);
      else if (g_str_has_prefix (words[j], "homes="))
        {
          g_auto(GStrv) homes = g_strsplit (words[j] + 6, ",", -1);
          guint k;

          for (k = 0; homes[k] != NULL && k < MODEL_N_HOMES; k++)
            setup->home[k] = g_ascii_strtoull (homes[k], NULL, 10) % MODEL_N_CONTEXTS;
        }
    }
  setup->parties = MAX (setup->parties, 1);
}

static void
setup_defaults (ModelSetup *setup)
{
  memset (setup, 0, sizeof *setup);
  setup->sem_value = 1;
  setup->bsem_value = 1;
  setup->parties = 2;
  setup->maxsize = 1;
}

/* Reads what model_sequence_format() wrote; '#' starts a comment. */
gboolean
model_sequence_parse (const gchar    *text,
                      ModelSequence  *seq,
                      GError        **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean have_setup = FALSE;
  guint i;

  memset (seq, 0, sizeof *seq);
  setup_defaults (&seq->setup);

  for (i = 0; lines[i] != NULL; i++)
    {
      gchar *line = g_strstrip (lines[i]);
      gchar *hash = strchr (line, '#');
      g_auto(GStrv) words = NULL;

      if (hash != NULL)
        *hash = '\0';
      g_strstrip (line);
      if (*line == '\0')
        continue;

      words = g_strsplit_set (line, " \t", -1);
      if (g_strcmp0 (words[0], "setup") == 0)
        {
          parse_setup_line (words, &seq->setup);
          have_setup = TRUE;
          continue;
        }

      if (seq->n_ops == MODEL_MAX_OPS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too many operations");
          return FALSE;
        }
      if (!parse_op_line (words, &seq->ops[seq->n_ops]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: cannot parse “%s”", i + 1, line);
          return FALSE;
        }
      seq->n_ops++;
    }

  if (!have_setup)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no setup line");
      return FALSE;
    }

  return TRUE;
}

void
model_event_format (const ModelEvent *event,
                    GString          *out)
{
  switch ((ModelEventKind) event->kind)
    {
    case MODEL_EVENT_COMPLETE:
      g_string_append_printf (out, "op#%u completed: %s", event->id,
                              model_result_name (event->value));
      if (event->detail != 0)
        g_string_append_printf (out, " (%u)", event->detail);
      break;
    case MODEL_EVENT_NOTIFY:
      g_string_append_printf (out, "notify %s = %u",
                              event->id < MODEL_N_PROPS ? prop_names[event->id] : "?",
                              event->value);
      break;
    case MODEL_EVENT_PREDICATE:
      g_string_append_printf (out, "op#%u predicate -> %u (lock %s)", event->id, event->value & 1,
                              event->value & 2 ? "held" : "NOT held");
      break;
    default:
      g_string_append (out, "?");
    }
}

void
model_snapshot_format (const ModelSnapshot *s,
                       GString             *out)
{
  g_string_append_printf (out,
                          "lock{locked=%d waiting=%u} cond0{waiting=%u} "
                          "cond1{locked=%d lock-waiting=%u waiting=%u} "
                          "event{set=%d waiting=%u} sem{value=%u waiting=%u locked=%d} "
                          "bsem{value=%u bound=%u waiting=%u locked=%d} "
                          "barrier{waiting=%u broken=%d} "
                          "queue{length=%u full=%d shut-down=%d} "
                          "rw{readers=%u writer=%d waiting=%u}",
                          s->locked[0], s->lock_waiting[0], s->cond_waiting[0],
                          s->locked[1], s->lock_waiting[1], s->cond_waiting[1],
                          s->event_set, s->event_waiting,
                          s->sem_value[0], s->sem_waiting[0], s->sem_locked[0],
                          s->sem_value[1], s->bsem_bound, s->sem_waiting[1], s->sem_locked[1],
                          s->barrier_waiting, s->barrier_broken,
                          s->queue_length, s->queue_full, s->queue_shut_down,
                          s->rw_readers, s->rw_writer, s->rw_waiting);
}

/* ---- generation ---- */

static const guint sem_values[] = { 0, 1, 2, 3, G_MAXUINT - 1, G_MAXUINT };

static void
random_setup (GRand      *rand,
              ModelSetup *setup)
{
  guint i;

  setup->sem_value = sem_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (sem_values))];
  setup->bsem_value = g_rand_int_range (rand, 1, 4);
  setup->parties = g_rand_int_range (rand, 1, 4);
  setup->maxsize = g_rand_int_range (rand, 0, 4);
  for (i = 0; i < MODEL_N_HOMES; i++)
    setup->home[i] = g_rand_int_range (rand, 0, MODEL_N_CONTEXTS);
}

/* Relative frequencies of the operations in random sequences. */
static const guint op_weights[MODEL_N_OPS] = {
  [MODEL_OP_ACQUIRE] = 14,
  [MODEL_OP_TRY_ACQUIRE] = 5,
  [MODEL_OP_RELEASE] = 14,
  [MODEL_OP_WAIT] = 7,
  [MODEL_OP_SET] = 3,
  [MODEL_OP_CLEAR] = 3,
  [MODEL_OP_RESET] = 2,
  [MODEL_OP_ABORT] = 1,
  [MODEL_OP_COND_WAIT] = 5,
  [MODEL_OP_COND_WAIT_FOR] = 4,
  [MODEL_OP_NOTIFY] = 5,
  [MODEL_OP_NOTIFY_ALL] = 3,
  [MODEL_OP_SET_FLAG] = 3,
  [MODEL_OP_PUT] = 5,
  [MODEL_OP_GET] = 5,
  [MODEL_OP_TRY_PUT] = 3,
  [MODEL_OP_TRY_GET] = 3,
  [MODEL_OP_TASK_DONE] = 3,
  [MODEL_OP_JOIN] = 2,
  [MODEL_OP_SHUTDOWN] = 1,
  [MODEL_OP_CANCEL] = 8,
  [MODEL_OP_RENEW] = 5,
  [MODEL_OP_EXPIRE] = 3,
  [MODEL_OP_ITERATE] = 12,
  [MODEL_OP_RUN_IDLE] = 5,
};

static const ModelTarget lock_targets[] = {
  MODEL_TARGET_LOCK, MODEL_TARGET_COND0, MODEL_TARGET_COND1, MODEL_TARGET_SEM,
  MODEL_TARGET_BSEM, MODEL_TARGET_RW_READ, MODEL_TARGET_RW_WRITE,
};

/* Fills the fields an op of @kind uses from @bits (random, or 11 bits of
 * fuzz input), so that every operation can be reached:
 *   bit 0      context
 *   bits 1-3   cancellable slot 0-5, or none (6, 7)
 *   bits 4-6   target; set-flag: flag (4), value (5)
 *   bits 7-9   semaphores: 0-3 the plain call, 4-7 the weighted one for
 *              0-3 permits (0 is an error for acquire, 1 for try-acquire);
 *              notify: n; wait-for: the flag; shutdown: immediate (7);
 *              renew: the kind of cancellable */
static void
op_from_bits (ModelOpKind  kind,
              guint32      bits,
              ModelOp     *op)
{
  guint canc = (bits >> 1) & 7;
  guint target = (bits >> 4) & 7;
  guint extra = (bits >> 7) & 7;

  memset (op, 0, sizeof *op);
  op->kind = kind;
  op->ctx = bits & 1;
  op->canc = canc >= MODEL_N_SLOTS ? -1 : (gint8) canc;

  switch (kind)
    {
    case MODEL_OP_ACQUIRE:
    case MODEL_OP_TRY_ACQUIRE:
    case MODEL_OP_RELEASE:
      op->target = lock_targets[target % G_N_ELEMENTS (lock_targets)];
      if ((op->target == MODEL_TARGET_SEM || op->target == MODEL_TARGET_BSEM) && extra >= 4)
        {
          guint n = extra - 4;

          if (kind == MODEL_OP_TRY_ACQUIRE)
            n = MAX (n, 1);
          op->arg = n + 1;
        }
      break;
    case MODEL_OP_WAIT:
      op->target = (target & 1) ? MODEL_TARGET_BARRIER : MODEL_TARGET_EVENT;
      break;
    case MODEL_OP_SET:
    case MODEL_OP_CLEAR:
      op->target = MODEL_TARGET_EVENT;
      break;
    case MODEL_OP_RESET:
    case MODEL_OP_ABORT:
      op->target = MODEL_TARGET_BARRIER;
      break;
    case MODEL_OP_COND_WAIT:
    case MODEL_OP_COND_WAIT_FOR:
    case MODEL_OP_NOTIFY:
    case MODEL_OP_NOTIFY_ALL:
      op->target = (target & 1) ? MODEL_TARGET_COND1 : MODEL_TARGET_COND0;
      op->arg = kind == MODEL_OP_NOTIFY ? extra % 4 : extra % MODEL_N_FLAGS;
      break;
    case MODEL_OP_PUT:
    case MODEL_OP_GET:
    case MODEL_OP_TRY_PUT:
    case MODEL_OP_TRY_GET:
    case MODEL_OP_TASK_DONE:
    case MODEL_OP_JOIN:
      op->target = MODEL_TARGET_QUEUE;
      break;
    case MODEL_OP_SHUTDOWN:
      op->target = MODEL_TARGET_QUEUE;
      op->arg = extra & 1;
      break;
    case MODEL_OP_SET_FLAG:
      op->arg = target & 1;
      op->canc = (target >> 1) & 1;
      break;
    case MODEL_OP_CANCEL:
    case MODEL_OP_EXPIRE:
    case MODEL_OP_RENEW:
      if (op->canc < 0)
        op->canc = target % MODEL_N_SLOTS;
      if (kind == MODEL_OP_RENEW)
        op->arg = extra % MODEL_N_CANC_KINDS;
      break;
    default:
      break;
    }
}

void
model_sequence_generate (guint32        seed,
                         ModelSequence *seq)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint total = 0, i, k;

  memset (seq, 0, sizeof *seq);
  random_setup (rand, &seq->setup);

  for (k = 0; k < MODEL_N_OPS; k++)
    total += op_weights[k];

  seq->n_ops = g_rand_int_range (rand, 4, 120);
  for (i = 0; i < seq->n_ops; i++)
    {
      guint r = g_rand_int_range (rand, 0, total);

      for (k = 0; r >= op_weights[k]; k++)
        r -= op_weights[k];
      op_from_bits (k, g_rand_int (rand), &seq->ops[i]);
    }

  g_rand_free (rand);
}

/* Fuzz input: 3 bytes of setup (sem; bsem, parties and maxsize; one home
 * bit per object), then 2 bytes per operation. */
void
model_sequence_decode (const guint8 *data,
                       gsize         size,
                       ModelSequence *seq)
{
  gsize pos = 0;
  guint i;

  memset (seq, 0, sizeof *seq);
  setup_defaults (&seq->setup);
  if (size >= 3)
    {
      seq->setup.sem_value = sem_values[data[0] % G_N_ELEMENTS (sem_values)];
      seq->setup.bsem_value = 1 + data[1] % 3;
      seq->setup.parties = 1 + (data[1] / 3) % 3;
      seq->setup.maxsize = (data[1] / 9) % 4;
      for (i = 0; i < MODEL_N_HOMES; i++)
        seq->setup.home[i] = (data[2] >> i) & 1;
      pos = 3;
    }

  while (pos + 2 <= size && seq->n_ops < MODEL_MAX_OPS)
    {
      op_from_bits (data[pos] % MODEL_N_OPS, data[pos + 1] | ((guint32) data[pos] / MODEL_N_OPS) << 8,
                    &seq->ops[seq->n_ops]);
      seq->n_ops++;
      pos += 2;
    }
}

static gboolean
ops_equal (const ModelOp *a,
           const ModelOp *b)
{
  return a->kind == b->kind && a->target == b->target && a->ctx == b->ctx &&
         a->canc == b->canc && a->arg == b->arg;
}

/* Fills the fields of @op that its kind ignores as decoding would, so
 * that a parsed op compares equal to a decoded one. */
static void
op_normalize (const ModelOp *op,
              ModelOp       *out)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  model_op_format (op, s);
  words = g_strsplit (s->str, " ", -1);
  if (!parse_op_line (words, out))
    *out = *op;
}

/*
 * model_sequence_encode:
 *
 * The inverse of model_sequence_decode(), for making fuzzing seeds from
 * text sequences: finds, for each operation, two bytes that decode to it
 * (operations that cannot be encoded are left out), and the setup bytes
 * nearest to the text's setup.
 */
GBytes *
model_sequence_encode (const ModelSequence *seq)
{
  GByteArray *out = g_byte_array_new ();
  guint8 setup[3] = { 1, 0, 0 };
  guint i, k;

  for (k = 0; k < G_N_ELEMENTS (sem_values); k++)
    if (sem_values[k] == seq->setup.sem_value)
      setup[0] = k;
  setup[1] = (CLAMP (seq->setup.bsem_value, 1, 3) - 1) +
             3 * (CLAMP (seq->setup.parties, 1, 3) - 1) +
             9 * MIN (seq->setup.maxsize, 3);
  for (k = 0; k < MODEL_N_HOMES; k++)
    setup[2] |= (seq->setup.home[k] & 1) << k;
  g_byte_array_append (out, setup, 3);

  for (i = 0; i < seq->n_ops; i++)
    {
      ModelOp want;
      guint b0, b1;
      gboolean found = FALSE;

      op_normalize (&seq->ops[i], &want);
      for (b0 = want.kind; b0 < 256 && !found; b0 += MODEL_N_OPS)
        for (b1 = 0; b1 < 256 && !found; b1++)
          {
            ModelOp got, norm;

            op_from_bits (b0 % MODEL_N_OPS, b1 | (b0 / MODEL_N_OPS) << 8, &got);
            op_normalize (&got, &norm);
            if (ops_equal (&norm, &want))
              {
                guint8 pair[2] = { b0, b1 };

                g_byte_array_append (out, pair, 2);
                found = TRUE;
              }
          }
    }

  return g_byte_array_free_to_bytes (out);
}
