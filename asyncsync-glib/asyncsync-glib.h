/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define ASYNC_SYNC_INSIDE

#include "async-sync-version-macros.h"
#include "async-sync-version.h"
#include "async-sync-enums.h"
#include "async-sync-error.h"
#include "async-sync-lock.h"
#include "async-sync-event.h"
#include "async-sync-condition.h"
#include "async-sync-semaphore.h"
#include "async-sync-bounded-semaphore.h"
#include "async-sync-timeout.h"
#include "async-sync-barrier.h"
#include "async-sync-rw-lock.h"
#include "async-sync-queue.h"

#undef ASYNC_SYNC_INSIDE
