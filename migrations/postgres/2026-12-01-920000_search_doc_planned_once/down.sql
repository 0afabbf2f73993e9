CREATE OR REPLACE FUNCTION message_search_doc(m messages) RETURNS tsvector AS $$
    SELECT to_tsvector('simple', regexp_replace(
        left(m.subject || ' ' || m.body_text || ' ' || COALESCE(m.sender, '') || ' ' ||
             COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                       JOIN customers c ON c.id = t.customer_id WHERE t.id = m.ticket_id), ''),
             200000),
        '[^[:alnum:]]+', ' ', 'g'))
$$ LANGUAGE sql STABLE;
