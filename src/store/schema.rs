//! Table definitions shared by both backends (the migrations keep them identical).

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    counter_deltas (id) {
        id -> BigInt,
        name -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    ticket_counts (status, intent, language, channel) {
        status -> Text,
        intent -> Text,
        language -> Text,
        channel -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    ticket_count_deltas (id) {
        id -> BigInt,
        status -> Text,
        intent -> Text,
        language -> Text,
        channel -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        email -> Text,
        name -> Nullable<Text>,
        language -> Nullable<Text>,
        vip -> Bool,
        created_at -> Timestamp,
        legal_hold -> Bool,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        languages -> Text,
        created_at -> Timestamp,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        single_keys -> Bool,
        open_next -> Bool,
        console_language -> Text,
    }
}

diesel::table! {
    user_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        number -> BigInt,
        customer_id -> Text,
        subject -> Text,
        status -> Text,
        channel -> Text,
        language -> Nullable<Text>,
        intent -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        waiting_since -> Nullable<Timestamp>,
        first_response_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        human_requested -> Bool,
    }
}

diesel::table! {
    raw_mail (id) {
        id -> Text,
        dedup_key -> Text,
        raw -> Binary,
        size -> BigInt,
        status -> Text,
        error -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        received_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
        message_id -> Nullable<Text>,
        attempts -> Integer,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        ticket_id -> Text,
        direction -> Text,
        author_kind -> Text,
        author_id -> Nullable<Text>,
        channel -> Text,
        internet_message_id -> Nullable<Text>,
        sender -> Nullable<Text>,
        subject -> Text,
        body_text -> Text,
        triage_text -> Text,
        body_html -> Nullable<Text>,
        raw_mail_id -> Nullable<Text>,
        created_at -> Timestamp,
        new_participant -> Bool,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        message_id -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    kb_articles (id) {
        id -> Text,
        intent -> Text,
        title -> Text,
        body -> Text,
        language -> Text,
        questions -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    kb_article_versions (article_id, version) {
        article_id -> Text,
        version -> Integer,
        intent -> Text,
        language -> Text,
        title -> Text,
        body -> Text,
        questions -> Text,
        changed_by -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    saved_replies (id) {
        id -> Text,
        owner_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_identities (address) {
        address -> Text,
        customer_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    form_submissions (id) {
        id -> Text,
        address_hash -> Text,
        client_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_ratings (ticket_id) {
        ticket_id -> Text,
        helpful -> Bool,
        automated -> Bool,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_marks (ticket_id) {
        ticket_id -> Text,
        priority -> Text,
        merged_into -> Nullable<BigInt>,
    }
}

diesel::table! {
    ticket_tags (ticket_id, tag) {
        ticket_id -> Text,
        tag -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    drafts (id) {
        id -> Text,
        ticket_id -> Text,
        message_id -> Text,
        body -> Text,
        language -> Text,
        intent -> Nullable<Text>,
        intent_score -> Double,
        confidence -> Double,
        decision -> Text,
        reason -> Text,
        risk_flags -> Text,
        articles -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        ticket_id -> Nullable<Text>,
        kind -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        data -> Text,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        ticket_id -> Nullable<Text>,
        message_id -> Nullable<Text>,
        channel -> Text,
        kind -> Text,
        recipient -> Text,
        sender -> Text,
        idempotency_key -> Text,
        payload -> Binary,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    participants (ticket_id, address) {
        ticket_id -> Text,
        address -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    triage_models (id) {
        id -> Text,
        model -> Binary,
        examples -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_privacy (ticket_id) {
        ticket_id -> Text,
        legal_hold -> Bool,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_run_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    servers (id) {
        id -> Text,
        host -> Text,
        pid -> Integer,
        started_at -> Timestamp,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    /// One row a ticket, kept by triggers (migration `2026-12-01-100000_ticket_facts`).
    ticket_facts (ticket_id) {
        ticket_id -> Text,
        created_at -> Timestamp,
        intent -> Nullable<Text>,
        language -> Nullable<Text>,
        channel -> Text,
        assignee_id -> Nullable<Text>,
        waiting -> Integer,
        waiting_since -> Nullable<Timestamp>,
        first_response_min -> Nullable<BigInt>,
        resolution_min -> Nullable<BigInt>,
        automated -> Integer,
    }
}

diesel::table! {
    /// One row a draft, kept by triggers (migration `2026-12-01-100000_ticket_facts`).
    draft_facts (draft_id) {
        draft_id -> Text,
        ticket_id -> Text,
        created_at -> Timestamp,
        intent -> Nullable<Text>,
        language -> Text,
        channel -> Nullable<Text>,
        agent -> Nullable<Text>,
        decision -> Text,
        reason -> Text,
        status -> Text,
        blocked -> Integer,
        pct -> BigInt,
        decided_at -> Nullable<Timestamp>,
        answered -> Integer,
        reopened -> Integer,
        asked_person -> Integer,
    }
}

diesel::joinable!(tickets -> customers (customer_id));
diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(messages -> tickets (ticket_id));
diesel::joinable!(drafts -> tickets (ticket_id));
diesel::joinable!(attachments -> messages (message_id));
diesel::joinable!(participants -> tickets (ticket_id));
diesel::joinable!(ticket_privacy -> tickets (ticket_id));

diesel::allow_tables_to_appear_in_same_query!(
    counters,
    customers,
    users,
    user_tokens,
    tickets,
    raw_mail,
    messages,
    attachments,
    kb_articles,
    kb_article_versions,
    saved_replies,
    ticket_marks,
    ticket_tags,
    form_submissions,
    ticket_ratings,
    api_tokens,
    customer_identities,
    drafts,
    events,
    outbox,
    participants,
    sessions,
    triage_models,
    settings,
    job_leases,
    ticket_privacy,
    servers,
    ticket_facts,
    draft_facts,
);
