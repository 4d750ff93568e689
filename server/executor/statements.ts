// Prepared statements of the executor's hot path: prepared once, because a tick runs them per contact.
import type Database from 'better-sqlite3';

export function prepareStatements(sqlite: Database.Database) {
  const p = (sql: string) => sqlite.prepare(sql);
  return {
    acquireLock: p(`INSERT INTO executor_locks (name, holder, lease_until) VALUES ('tick', @holder, @until)
      ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
      WHERE executor_locks.lease_until < @now OR executor_locks.holder = excluded.holder`),
    releaseLock: p(`DELETE FROM executor_locks WHERE name = 'tick' AND holder = ?`),
    getCursor: p(`SELECT value FROM executor_state WHERE key = 'event_cursor'`),
    setCursor: p(`INSERT INTO executor_state (key, value) VALUES ('event_cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
    eventsAfter: p(`SELECT id, contact_id AS contactId, name, properties, timestamp, quiet FROM events WHERE id > ? ORDER BY id LIMIT ?`),
    runningJourneys: p(`SELECT j.id, j.persona_key AS personaKey, j.status, j.current_version AS version, v.graph
      FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = j.current_version
      WHERE j.status IN ('live', 'paused')`),
    versionGraph: p(`SELECT graph FROM journey_versions WHERE journey_id = ? AND version = ?`),
    journeyStatus: p(`SELECT status FROM journeys WHERE id = ?`),
    contact: p(`SELECT id, email, traits, phase, persona_key AS personaKey, subscription, timezone FROM contacts WHERE id = ?`),
    hasOpenEnrollment: p(`SELECT 1 FROM enrollments WHERE journey_id = ? AND contact_id = ? AND status IN ('active', 'waiting') LIMIT 1`),
    // Positional parameters on the two per-contact inserts: binding by name costs a property look-up each.
    insertEnrollment: p(`INSERT OR IGNORE INTO enrollments
      (id, journey_id, version, contact_id, entry_key, node_id, status, wake_at, awaiting_event, state, enrolled_at, updated_at, ended_at, goal_reached_at, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    updateEnrollment: p(`UPDATE enrollments SET node_id = @nodeId, status = @status, wake_at = @wakeAt, awaiting_event = @awaitingEvent,
      state = @state, updated_at = @now, ended_at = @endedAt, goal_reached_at = @goalReachedAt, error = @error, held_event = @heldEvent
      WHERE id = @id`),
    holdEvent: p(`UPDATE enrollments SET held_event = ?, wake_at = ?, updated_at = ? WHERE id = ? AND held_event IS NULL`),
    waitingFor: p(`SELECT e.id, e.journey_id AS journeyId, e.version, e.contact_id AS contactId, e.state, e.held_event AS heldEvent, j.status AS journeyStatus
      FROM enrollments e JOIN journeys j ON j.id = e.journey_id
      WHERE e.contact_id = ? AND e.status = 'waiting' AND e.awaiting_event = ?`),
    goalCandidates: p(`SELECT e.id, e.journey_id AS journeyId, e.version, e.contact_id AS contactId, e.state, e.held_event AS heldEvent
      FROM enrollments e WHERE e.contact_id = ? AND (e.status IN ('active', 'waiting') OR e.goal_reached_at IS NULL)`),
    due: p(`SELECT e.id, e.journey_id AS journeyId, e.version, e.contact_id AS contactId, e.state, e.held_event AS heldEvent
      FROM enrollments e JOIN journeys j ON j.id = e.journey_id
      WHERE e.status IN ('active', 'waiting') AND e.wake_at <= ? AND j.status = 'live'
      ORDER BY e.wake_at LIMIT ?`),
    inArchived: p(`SELECT e.id, e.journey_id AS journeyId, e.version, e.contact_id AS contactId, e.state, e.held_event AS heldEvent
      FROM enrollments e JOIN journeys j ON j.id = e.journey_id
      WHERE e.status IN ('active', 'waiting') AND j.status = 'archived' LIMIT ?`),
    // error: the waiting note of a best-hour email ("scheduled for …"), null for the rest.
    insertMessage: p(`INSERT OR IGNORE INTO messages
      (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`),
    insertWebhook: p(`INSERT OR IGNORE INTO webhook_calls (id, enrollment_id, node_id, visit, url, payload, status, next_attempt_at)
      VALUES (@id, @enrollmentId, @nodeId, @visit, @url, @payload, 'queued', @now)`),
    countEvents: p(`SELECT count(*) AS n FROM events WHERE contact_id = ? AND name = ? AND timestamp >= ?`),
    eventProperties: p(`SELECT properties FROM events WHERE contact_id = ? AND name = ? AND timestamp >= ?`),
    opened: p(`SELECT 1 FROM messages WHERE enrollment_id = ? AND (? IS NULL OR node_id = ?) AND first_opened_at IS NOT NULL LIMIT 1`),
    clicked: p(`SELECT 1 FROM messages WHERE enrollment_id = ? AND (? IS NULL OR node_id = ?) AND first_clicked_at IS NOT NULL LIMIT 1`),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
