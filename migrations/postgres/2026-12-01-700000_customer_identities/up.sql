-- One customer across channels (issue 14): the other addresses a customer writes from
-- (an e-mail address, `<id>@messenger.invalid`, `<id>@x.invalid`), each belonging to one
-- customer; a message from any of them joins that customer's history.
CREATE TABLE customer_identities (
    address TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);
