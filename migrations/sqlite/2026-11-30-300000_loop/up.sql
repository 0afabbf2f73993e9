-- A person stays in the loop (issue 10). migrations/{sqlite,postgres} hold the same.
-- (The undo window needs no column: a console send is queued with next_attempt_at at the
-- end of the window, which the outbox worker already honours.)
-- The customer asked for a person on this ticket: no automatic answer on it again.
ALTER TABLE tickets ADD COLUMN human_requested BOOLEAN NOT NULL DEFAULT FALSE;
-- The message threaded onto the ticket but its sender was neither the customer nor a
-- participant of the thread.
ALTER TABLE messages ADD COLUMN new_participant BOOLEAN NOT NULL DEFAULT FALSE;
-- Who else takes part in a ticket's thread (To/Cc of the customer's messages, or added by
-- an agent). Personal data: the address column.
CREATE TABLE participants (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    address TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, address)
);
