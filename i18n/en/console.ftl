# The console's own words (what agents, supervisors and admins read).
# A new language: copy this file to i18n/<code>/console.ftl, translate the text after
# each "=", keep every key and every { $placeholder }, and add the code to
# LANGUAGES in src/i18n/console.rs. Keys ending in -html may hold the markup shown.

## Every page (base.html)

page-suffix = Tandem
nav-queue = Queue
nav-supervisor = Supervisor
nav-users = Users
nav-audit = Audit log
nav-failed-mail = Failed mail
nav-privacy = Privacy
sign-out = Sign out
role-agent = agent
role-supervisor = supervisor
role-admin = admin
skip-any = any
skip-anyone = anyone
action-save = Save
action-filter = Filter
label-email = Email
label-password = Password
label-code = Code
back-to-sign-in = Back to sign-in
new-password-min = New password (at least 10 characters)

## Script texts (console.js reads them from the page)

js-keys-title = Keyboard shortcuts
js-key-help = show or hide this list
js-key-send = send the text box you are writing in
js-key-leave = leave a text box
js-key-move = next / previous ticket
js-key-open = open the selected ticket
js-write-in = write in:
js-keys-browser = Single-key shortcuts (j, k, a, e, t, n, /) in this browser
js-keys-off-account = (off on your account page)
js-close = Close
js-restored = Restored: the text you typed before

## Notices after an action

notice-approved = Draft approved and sent.
notice-edited = Your edited answer was sent.
notice-taken-over = You own this ticket now; write your reply below.
notice-rejected = Draft rejected; the ticket waits for a reply from a person.
notice-replied = Reply sent.
notice-noted = Internal note added (not sent to the customer).
notice-assigned = Assignment changed.
notice-status = Status changed.
notice-undone = Undone: the message was not sent. The ticket is yours again.
notice-participants = Participants changed.
notice-vip = Customer's VIP mark changed; their messages always go to a person while it is set.
notice-conflict = Someone else acted on this ticket first. This is its current state; nothing was sent twice.
notice-user-saved = User saved.
notice-user-created = User created. Share the password with them securely.
notice-user-invited = Invitation sent: the new user chooses their password from the link in the mail.
notice-reset-sent = A link to choose a new password was mailed to the user.
notice-password-set = Your password is set. Sign in with it.
notice-keys = Keyboard shortcut setting saved.
notice-language = Console language saved.
notice-password-changed = Password changed. Your other sessions were signed out.
notice-two-factor-on = Two-factor sign-in is on: sign-in asks for a code from your app.
notice-two-factor-off = Two-factor sign-in is off.
notice-two-factor-reset = Two-factor sign-in turned off for the user: they sign in with their password alone until they set it up again.
notice-signin-expired = The sign-in took too long; enter your password again.
notice-settings-saved = Settings saved; they apply to the next message.
notice-marked-wrong = Marked wrong: it counts as an error of automation, and the engine learns from it.
notice-signed-out = You are signed out.
notice-welcome = Welcome! Your admin account is ready.
notice-erased = Erased: the customer's personal data is gone; counts and timings stay.
notice-nothing-erased = No customer has that address (any more): nothing to erase.
notice-hold = Legal hold changed.

## Errors

error-title = Error { $status }
error-back = Back to the queue
error-sign-in = please sign in
error-forbidden = your role does not allow this page
error-bad-csrf = the form expired or did not come from this console; reload the page and try again
error-internal = Internal error; the details are in the server log.
error-wrong-login = wrong email or password
error-needs-code = this account asks for a code from its authenticator app
error-wrong-code = that code is not right (or was used already); try the next one
error-signin-expired = the sign-in took too long; enter your password again
error-wrong-password = the password is not right
error-same-password = the new password must differ from the current one
error-link-used = This link was used already or has expired. Ask for a new one on the sign-in page (Forgot password?) or from an admin.
error-setup-used = This set-up link was used already.
error-setup-invalid = This set-up link was used already, is older than an hour, or is not valid. Restart `tandem serve` to print a new one, sign in if an admin exists, or create users with `tandem user add`.
signed-out-fragment = Signed out —
signed-out-again = sign in again
signed-out-kept = Text you typed here is kept.

## Sign-in, set-up, reset, forgot, code

login-title = Sign in
login-first-run-html = <strong>No users yet.</strong> The first admin is created with a one-time set-up link: run <code>tandem serve</code> (or look at the output of the one already running); the link is printed there, below "No users yet". Open it and create the admin account.
login-first-run-cli-html = Or, on the server: <code>tandem user add --email you@example.com --name "Your Name" --role admin</code> (the password is read from standard input).
login-button = Sign in
login-forgot = Forgot password?
code-title = Sign-in code
code-heading = Enter your code
code-intro = Open your authenticator app and enter the six-digit code it shows for Tandem.
code-start-again = Start again
forgot-title = Forgot password
forgot-heading = Forgot password?
forgot-sent = If an account uses this address, a link to choose a new password is on its way to it. The link works once, for 24 hours.
forgot-intro = Enter the address you sign in with. If it is an account, we mail it a link to choose a new password.
forgot-send = Send the link
reset-title-welcome = Welcome
reset-title-new = New password
reset-welcome = Welcome, { $name }
reset-invite-intro-html = Choose the password you will sign in with as <strong>{ $email }</strong>. This link works once.
reset-heading = Choose a new password
reset-intro-html = For <strong>{ $email }</strong>. This link works once; your old password stops working.
reset-again = Once more
reset-button = Set password
setup-title = Set up Tandem
setup-heading = Create the first admin
setup-intro = This link works once. The account you create here manages users and settings.
setup-name = Your name
setup-password = Password (at least 10 characters)
setup-button = Create admin and sign in

## Your account

account-title = Your account
account-password-heading = Change password
account-current-password = Current password
account-password-again = New password once more
account-password-button = Change password
account-password-note = Your other sessions are signed out when the password changes.
account-keys-heading = Keyboard
account-keys-label-html = Single-letter shortcuts (j, k, a, e, t, n, /): press <kbd>?</kbd> in the console for the list
account-language-heading = Language
account-language-label = Language of the console
account-two-factor-heading = Two-factor sign-in
account-two-factor-on = On: sign-in asks for a code from your authenticator app after the password.
account-two-factor-off-button = Turn off
account-two-factor-off = Off. With it on, sign-in also asks for a six-digit code from an authenticator app on your phone.
account-two-factor-set-up = Set up two-factor sign-in
two-factor-title = Two-factor sign-in
two-factor-heading = Set up two-factor sign-in
two-factor-step-scan = In your authenticator app, add an account by scanning this code, or by entering the key below (or open the link on the phone):
two-factor-step-code = Enter the six-digit code the app shows now, and your password.
two-factor-once = The key is shown only on this page: once confirmed it is never shown again.
two-factor-on-button = Turn on
two-factor-cancel = Cancel
two-factor-qr-label = QR code of the key for your authenticator app

## Queue

queue-title = Queue
queue-views = Queue views
view-open = All open
view-review = Needs review
view-escalated = Escalated
view-mine = Mine
view-in-progress = In progress
view-waiting = Waiting on customer
view-all = All tickets
view-automated = Sent automatically
queue-search = Search
queue-search-placeholder = #1042, words, email
queue-intent = Intent
queue-language = Language
queue-confidence = Confidence
queue-assignee = Assignee
queue-unassigned = unassigned
queue-channel = Channel
band-95 = 0.95 and above
band-below-80 = below 0.80
queue-automated-none = No automated answers match.
queue-automated-none-note = Answers the AI sent by itself are listed here, newest first.
queue-automated-count = { $count ->
    [one] { $count } automated answer, newest first.
   *[other] { $count } automated answers, newest first.
}
queue-mark-note-html = Mark an answer <em>wrong</em> when it should not have gone out: it counts as an error of automation and the engine learns from it.
col-number = #
col-subject-answer = Subject and answer
col-subject = Subject
col-customer = Customer
col-status = Status
col-intent = Intent
col-lang = Lang
col-confidence = Confidence
col-sent = Sent
col-check = Check
col-waiting = Waiting
col-assignee = Assignee
queue-marked-wrong = marked wrong
queue-mark-wrong = Wrong
queue-mark-wrong-label = Mark the answer on #{ $number } wrong
queue-empty = Nothing waits here.
queue-empty-note-html = New tickets appear by themselves. Answers the AI was sure of went out automatically; see <a href="/queue?view=automated">sent automatically</a> and <a href="/queue?view=all">all tickets</a>. To try it, pipe an email into <code>tandem ingest-mail</code> or start with <code>tandem serve --demo</code>.
queue-no-match = No ticket in this view matches the search and filters.
queue-no-match-clear = Clear the search and filters
queue-count = { $count ->
    [one] { $count } ticket, longest waiting first.
   *[other] { $count } tickets, longest waiting first.
}
queue-keys-html = Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens, <kbd>/</kbd> searches, <kbd>?</kbd> lists every key.
pages = Pages
page-previous = ← Previous page
page-next = Next page →
page-of = Page { $page } of { $pages }
time-just-now = just now
time-minutes = { $m } min
time-hours = { $h } h { $m } min
time-days = { $d } d { $h } h

## Ticket statuses

status-new = New
status-triaged = Triaged
status-auto-answered = Answered automatically
status-pending-review = Needs review
status-escalated = Escalated
status-in-progress = In progress
status-waiting-on-customer = Waiting on customer
status-resolved = Resolved
status-closed = Closed

## Ticket

ticket-language = language
ticket-intent = intent
ticket-assigned-to = assigned to
ticket-human-requested = The customer asked for a person on this ticket: nothing is answered automatically here any more.
ticket-back = ← Queue
ticket-next = Next ticket #{ $number } →
ticket-conversation = Conversation
ticket-queued = queued
ticket-undo = Undo
ticket-goes-out = goes out in { $seconds } s
ticket-new-participant = From a new participant: { $who }. Not the customer and not in the thread before: nothing here was answered automatically or changes the ticket.
ticket-quoted = Quoted text and signature
ticket-bytes = { $type }, { $size } bytes
ticket-ai-suggestion = AI suggestion
ticket-ai-draft = AI draft
ticket-confidence = Confidence
ticket-decision = Decision
ticket-engine-reason = The engine's reason
ticket-why-person = Why a person
ticket-sources = Sources
ticket-open-composer = Open the suggested draft in the composer
ticket-suggested-draft = Suggested draft: read and adapt it before sending
ticket-send-this = Send this answer
ticket-approve = Approve & send
ticket-edit-draft = Edit the draft
ticket-send-edited = Send edited answer
ticket-reject-because = Reject because
ticket-choose-reason = Choose a reason
ticket-reject = Reject draft
ticket-last-decision = Last AI decision
ticket-confidence-draft = Confidence { $confidence } · draft { $status }
ticket-take-over = Take over
ticket-reply-label = Reply to the customer
ticket-send-reply = Send reply
ticket-note-label = Internal note (never sent)
ticket-add-note = Add note
ticket-nobody = nobody
ticket-assign = Assign
ticket-status-now = { $status } (now)
ticket-set-status = Set status
ticket-participants = Participants
ticket-participants-note = Besides the customer, who may write on this ticket. Anyone else is marked as a new participant.
ticket-nobody-else = Nobody else.
ticket-added-by-agent = added by an agent
ticket-in-to-cc = in To/Cc
ticket-remove-label = Remove { $address }
ticket-remove = Remove
ticket-add-participant = Add a participant
ticket-add = Add
ticket-customer = Customer
ticket-remove-vip = Remove VIP mark
ticket-vip-title = Their messages will always go to a person
ticket-mark-vip = Mark as VIP
ticket-no-earlier = No earlier tickets.
ticket-earlier = Earlier tickets
presence-also-here = Also here:
presence-writing = (writing a reply)
author-note = Internal note
author-customer = Customer
author-ai = Automatic answer
author-system = Acknowledgement
author-agent = Agent
reject-wrong-intent = Wrong intent: it answers another question
reject-wrong-facts = Wrong or outdated facts
reject-tone = Tone does not fit
reject-needs-action = Needs an action, not an answer

## Reasons (why a ticket waits for a person)

flag-human-requested = The customer asked for a person.
flag-legal-threat = The customer mentions legal action.
flag-anger = The customer seems upset.
flag-never-auto = This kind of request is always checked by a person.
flag-multiple-questions = The message asks several different questions.
flag-repeat-contact = The customer has written before about something still open.
flag-vip = The customer is marked as a VIP.
flag-language-not-covered = The knowledge base has no answer in the customer's language.
flag-no-article = The knowledge base has no article for this question.
flag-low-confidence = The engine is not sure what the customer is asking.
decision-auto = Answered automatically: the engine was sure and the topic is automated.
decision-legal = The customer mentions legal action: a person answers.
decision-anger = The customer seems upset: a person answers.
decision-vip = The customer is a VIP: a person answers.
decision-refunds = Refunds are always checked by a person.
decision-cancellations = Cancellations are always checked by a person.
decision-wrote-back = The customer wrote back after an automatic answer: it did not settle it.
decision-handled = A person is already handling this ticket.
decision-no-auto-reply = No automatic reply: this looks like an automated sender or too many replies.
decision-review = The engine is fairly sure but not enough to answer alone: check the draft.
headline-human = The customer asked for a person
headline-legal = Mentions legal action
headline-anger = The customer is upset
headline-vip = VIP customer
headline-never-auto = Always checked by a person
headline-multiple = Several questions in one message
headline-repeat = Wrote again after an answer
headline-language = No articles in this language
headline-no-article = No matching article
headline-not-sure = The AI is not sure enough
headline-escalate = Needs a person
headline-check = Waiting for a check

## Users and audit log

users-title = Users
col-name = Name
col-email = Email
col-role = Role
col-languages = Languages
col-active = Active
col-sign-in = Sign-in
users-role-of = Role of { $name }
users-languages-of = Languages of { $name }
users-is-active = { $name } is active
users-invited = invited, no password yet
users-password = password
users-plus-code = + code
users-code-off-label = Turn off code of { $name }
users-code-off-title = Turn off two-factor sign-in (a lost phone)
users-code-off = Turn off code
users-invite-again-label = Invite again: { $name }
users-invite-again-title = Mail { $name } a new invitation link
users-invite-again = Invite again
users-reset-label = Send reset link to { $name }
users-reset-title = Mail { $name } a link to choose a new password
users-reset = Send reset link
users-invite-heading = Invite a user
users-invite-note = They get a mail with a one-time link (valid for 7 days) to choose their own password.
users-invite = Invite
audit-title = Audit log
audit-intro = Who saw and changed what, newest first. Sign-ins, ticket views, downloads, every action on drafts and tickets, settings, exports, erasures, legal holds and retention runs. Entries cannot be changed or deleted.
audit-person = Person
audit-action = Action
audit-ticket = Ticket
audit-from = From
audit-to = To
audit-csv = Download CSV
audit-nothing = Nothing recorded.
audit-nothing-matches = Nothing recorded that matches.
col-when-utc = When (UTC)
col-who = Who
col-from = From
col-what = What
col-ticket = Ticket
col-details = Details
audit-newer = ← Newer
audit-older = Older →
audit-page = Page { $page }

## Failed mail

failed-title = Failed mail
failed-intro = Inbound messages that were stored but can never be processed, newest first. The sender was told (exit 65 or HTTP 400); the raw message is kept.
failed-none = No failed mail.
col-received-utc = Received (UTC)
col-message-id = Message-ID
col-size = Size
col-attempts = Attempts
col-reason = Reason

## Privacy

privacy-title = Privacy
privacy-intro-html = A customer's right of access and right to erasure, legal holds, and what retention removes. Every action here is in the <a href="/admin/audit">audit log</a>.
privacy-export-heading = Export a customer's data
privacy-export-note-html = One zip archive: <code>customer.json</code> (profile, tickets, messages, drafts, events, VIP and consent records), the attachments, and the raw messages as <code>.eml</code>.
privacy-customer-email = Customer's email
privacy-download = Download archive
privacy-erase-heading = Erase a customer
privacy-erase-note = Replaces their name and address by a pseudonym and erases their messages, subjects, attachments, raw mail, drafts and outgoing mail; the engine forgets what it learned from them. Counts and timings stay for the supervisor figures. This cannot be undone.
privacy-reason = Reason (kept in the audit log)
privacy-reason-placeholder = erasure request of 30 Nov 2026
privacy-confirm-password = Your password, to confirm
privacy-erase = Erase for good
privacy-hold-heading = Legal hold
privacy-hold-note = A held ticket, or every ticket of a held customer, is left alone by retention and erasure.
privacy-hold-target = Customer's email or ticket number
privacy-hold-on = Hold (clear to lift)
privacy-nothing-held = Nothing is held.
privacy-retention-heading = Retention
privacy-retention-html = Raw mail: { $raw } after processing. Closed, resolved, automatically answered tickets and those waiting on the customer: { $closed } after their last change (<code>TANDEM_RETENTION_RAW_DAYS</code>, <code>TANDEM_RETENTION_CLOSED_DAYS</code>). A server runs it once a day.
privacy-nothing-due = Nothing is due for removal.
privacy-due = Due at the next run:

## Supervisor

supervisor-title = Supervisor
supervisor-by-hour = by hour
supervisor-by-day = by day
supervisor-dial-link = Automation dial
supervisor-from = From
supervisor-to = To
supervisor-show = Show
supervisor-totals-csv = Totals as CSV
supervisor-totals = Totals
supervisor-series = Triage decisions over time
supervisor-nothing = Nothing in this period.
supervisor-definitions = Automation rate: drafts sent with no person ÷ all triage decisions. Escalations are counted once, under their most decisive reason. Review outcomes come from the draft's final status; medians and 90th percentiles are nearest-rank over whole minutes. Hours saved: automated answers × the median time a person spent on a draft of the same intent (from first opening the ticket to deciding, in seconds), or the overall median, or TANDEM_MINUTES_PER_TICKET. Reopen rate: automated answers that were sent and that the customer wrote back to within 7 days of the sending (the message that triggered the answer does not count). Asked for a person: of those, replies in which the customer asked for a person. Marked wrong: automated answers a supervisor marked wrong in the "Sent automatically" view. A rate resting on fewer than 30 cases carries a note.
dial-title = Automation dial
dial-back = ← Supervisor metrics
dial-note = Changes apply to the next message, in every process, and are recorded in the audit trail.
dial-what-if = What if
dial-replayed = Replayed drafts
dial-replays = Replays the drafts made from { $from } to { $to } (UTC). "Corrected" counts drafts that agents edited, rejected or took over, among those a person reviewed.
dial-auto = Auto-send at or above
dial-review = Review at or above (below: escalate)
dial-per-intent-html = Auto-send threshold per intent (one <code>intent = 0.9</code> a line)
dial-off-intents = Automation off for these intents (comma list)
dial-off-languages-html = Automation off for these languages (comma list, e.g. <code>de, fi</code>)
dial-never = Never auto-send intents whose name contains (comma list)
dial-why = Why (required to save; goes into the audit trail)
dial-preview = Preview
wording-title = Customer wording
wording-intro-html = What customers read: greetings, sign-offs, acknowledgements and the line under automatic answers. Write only the messages you want to change, in <a href="https://projectfluent.org/">Fluent</a> syntax (<code>greeting = Hi {"{"} $name {"}"}!</code>); the rest stays as in the catalogue below.
wording-languages = Languages
wording-yours-html = Your messages for <strong>{ $language }</strong> (empty: the catalogue's)
wording-catalogue = Catalogue ({ $language })

## Supervisor figures (labels, table titles and headings made in Rust)

sv-tickets-in = Tickets in
sv-automation-rate = Automation rate
sv-escalation-rate = Escalation rate
sv-reopen-rate-auto = Reopen rate after automated answers
sv-asked-person = Asked for a person after an automated answer
sv-marked-wrong = Automated answers marked wrong
sv-hours-saved = Hours saved
sv-backlog = Backlog
sv-why-person = Why messages went to a person
sv-reason = Reason
sv-drafts = Drafts
sv-share-decisions = Share of all decisions
sv-all-escalations = all escalations
sv-low-confidence = low confidence
sv-asked-for-person = asked for a person
sv-risk-flag = risk flag
sv-no-article = no article
sv-language-not-covered = language not covered
sv-repeat-contact = repeat contact
sv-other = other
sv-approved-unchanged-lc = approved unchanged
sv-taken-over-lc = taken over
sv-rejected-lc = rejected
sv-review-outcomes = Review outcomes
sv-outcome = Outcome
sv-share-reviewed = Share of reviewed
sv-times = Response and resolution times
sv-tickets = Tickets
sv-median = Median
sv-first-auto = First response, automated
sv-first-person = First response, by a person
sv-resolution-auto = Resolution, automated
sv-resolution-person = Resolution, by a person
sv-by-hour = By hour
sv-by-day = By day
sv-period = Period
sv-decisions = Decisions
sv-automated = Automated
sv-to-person = To a person
sv-calibration = Calibration: reviewed drafts by confidence
sv-confidence = Confidence
sv-reviewed = Reviewed
sv-approved-unchanged = Approved unchanged
sv-observed-accuracy = Observed accuracy
sv-precision-title = Precision per intent at the current thresholds
sv-intent = Intent
sv-auto-threshold = Auto threshold
sv-reviewed-above = Reviewed at or above
sv-precision = Precision
sv-by-intent = By intent
sv-by-language = By language
sv-by-channel = By channel
sv-by-agent = By agent
sv-language = Language
sv-channel = Channel
sv-agent = Agent
sv-escalated = Escalated
sv-approved = Approved
sv-edited = Edited
sv-taken-over = Taken over
sv-rejected = Rejected
sv-first-person-median = First response (person), median
sv-resolution-person-median = Resolution (person), median
sv-oldest-waiting = Oldest waiting
sv-reopen-rate = Reopen rate
sv-drafts-replayed = Drafts replayed
sv-sent-auto = Sent automatically
sv-reviewed-by-person = Of those, reviewed by a person
sv-corrected = Corrected by agents (edited, rejected, taken over)
sv-escalated-straight = Escalated straight to a person
sv-nothing-waiting = nothing waiting
privacy-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
privacy-forever = kept for ever
not-recommended-person = Not recommended: the customer asked for a person
not-recommended-legal = Not recommended: the customer mentions legal action
not-recommended-anger = Not recommended: the customer seems upset
not-recommended-repeat = Not recommended: the customer has written before about something still open
not-recommended-vip = Not recommended: the customer is marked as a VIP
not-recommended-escalated = Not recommended: the engine escalated this ticket to a person

## Form errors made in Rust (shown on the form's page)

error-password-short = the password needs at least 10 characters
error-passwords-differ = the two passwords differ
error-new-passwords-differ = the two new passwords differ
error-current-password = the current password is not right
error-code-mismatch = that code does not match: check the secret in your app and the clock of your phone
error-secret-base32 = the secret is not valid base32
error-legal-hold = this customer or one of their tickets is under a legal hold; lift the hold first
error-not-your-password = that is not your password; nothing was erased
sv-note-decisions = { $n } triage decisions
sv-note-auto = { $n } answered with no person
sv-note-to-person = { $n } went to a person
sv-note-reopen = { $reopened } of { $followed } sent automated answers got a reply within 7 days so far; of the { $settled } sent more than 7 days ago, { $stayed } stayed resolved
sv-note-of-followed = { $rate } of { $followed } sent automated answers
sv-note-of-sent = { $rate } of { $sent } automated answers
sv-note-hours = automated answers × median handling time (overall { $overall })
sv-note-default-minutes = { $minutes } min, the default
sv-note-oldest = oldest waiting { $wait }
sv-caution = { $n ->
    [one] Only { $n } case: too few to trust this rate.
   *[other] Only { $n } cases: too few to trust this rate.
}
dial-now = Now: { $sentence }.
dial-proposed = Proposed: { $sentence }.
dial-no-drafts = no drafts in this period to replay
dial-would-auto = at { $threshold }, about { $rate } would be sent automatically ({ $auto } of { $drafts } drafts)
dial-corrected = , of which about { $rate } were corrected by agents ({ $corrected } of { $reviewed } reviewed)
dial-none-reviewed = ; none of those were reviewed by a person
dial-current-head = Current (auto ≥ { $threshold })
dial-proposed-head = Proposed (auto ≥ { $threshold })
supervisor-period = { $from } to { $to } (UTC)
privacy-due-raw = raw mail { $id } received { $at }
privacy-due-raw-ticket = raw mail { $id } received { $at } (ticket #{ $number })
privacy-due-ticket = ticket #{ $number } closed, last changed { $at }
delivery-pending = pending
delivery-sending = sending
delivery-sent = sent
delivery-failed = failed
delivery-cancelled = cancelled
draft-pending = pending
draft-approved = approved
draft-edited = edited
draft-rejected = rejected
draft-taken-over = taken over
draft-superseded = superseded
draft-set-aside = set aside
draft-sent = sent
error-throttled = too many failed attempts; wait { $seconds } seconds and try again

## Knowledge base in the console (kb_list.html, kb_edit.html)

nav-kb = Knowledge base
kb-title = Knowledge base
kb-intro = The articles the AI answers from, one per intent and language. Each saved change is kept as a version, and the engine learns from it in the background within a minute.
kb-search = Search
kb-search-placeholder = title, words, example question
kb-language = Language
kb-any = any
kb-search-button = Find
kb-new = New article
kb-empty = No articles yet. Write the first with “New article”, or import a file with tandem kb import.
kb-no-match = No article matches.
kb-count = { $count ->
    [one] { $count } article
   *[other] { $count } articles
}
kb-col-title = Title
kb-col-intent = Intent
kb-col-language = Language
kb-col-examples = Examples
kb-col-version = Version
kb-col-updated = Updated (UTC)
kb-previous = ← Previous
kb-next = Next →
kb-page-of = Page { $page } of { $pages }
kb-back = ← Knowledge base
kb-edit-heading = Edit article
kb-new-heading = New article
kb-field-title = Title
kb-field-intent = Intent
kb-field-intent-hint = (what customers ask; empty: made from the title)
kb-field-intent-rule = one word, no spaces
kb-field-language = Language
kb-field-language-hint = (two letters: en, de, ja…)
kb-field-body = Answer (Markdown)
kb-field-questions = Example questions
kb-field-questions-hint = (one per line: how customers ask this)
kb-save-version = Save a new version
kb-create = Create article
kb-preview = Preview
kb-preview-empty = The answer appears here once saved.
kb-versions = Versions
kb-version-line = Version { $version } · { $when } ·
kb-imported = imported
kb-examples = Examples:

## Saved replies (replies.html)

nav-replies = Saved replies
replies-title = Saved replies
replies-intro = Texts you put into a reply in one step from any ticket. They may hold placeholders, filled in for the ticket:
replies-intro-private = Your own are seen by you alone; the team's by everyone.
replies-intro-supervisors = Supervisors write the team's.
replies-empty = No saved replies yet.
replies-field-title = Title
replies-field-text = Text
replies-shared = For the whole team
replies-team = (team)
replies-delete = Delete
replies-new = New saved reply
replies-title-placeholder = Refund on its way
replies-save = Save reply

## The team's tools on a ticket (ticket_tools.html, ticket_top.html)

tools-replies = Saved replies
tools-replies-none = None yet.
tools-replies-write = Write one
tools-replies-why = to answer common questions in one step.
tools-reply-with = Reply with
tools-reply-choose = Choose a saved reply
tools-reply-insert = Put in the reply box
tools-replies-manage = Manage saved replies
tools-kb = Knowledge base
tools-edit-article = Edit the article
tools-write-article = Write an article for { $intent }
tools-add-example-label = Add the customer's words as an example of
tools-choose-article = Choose an article
tools-add-example = Add example
tools-organize = Priority and tags
tools-priority = Priority
tools-set-priority = Set priority
tools-remove-tag = Remove tag { $tag }
tools-add-tag-label = Add a tag
tools-add-tag = Add tag
tools-merge = Merge
tools-merge-label = Merge this ticket into ticket number
tools-merge-button = Merge
tools-merge-note = Every message moves to the other ticket; this one is closed.
tools-split = Split into a new ticket
tools-split-title = A different question: move this message to a ticket of its own
tools-merged-into-html = Merged into <a href="/tickets/{ $number }">ticket #{ $number }</a>: its messages are there now, and replies to this ticket land there.
tools-previous-send-html = Your answer on <a href="/tickets/{ $number }">#{ $number }</a> goes out in { $seconds } s.
tools-undo = Undo
priority-low = Low
priority-normal = Normal
priority-high = High
priority-urgent = Urgent

## Queue: tags, priority, bulk actions (queue.html)

queue-priority = Priority
queue-tag = Tag
bulk-label = With the ticked tickets
bulk-choose = choose
bulk-assign-to = Assign to
bulk-nobody = nobody
bulk-set-status = Set status
bulk-add-tag = Add the tag →
bulk-tag = Tag
bulk-apply = Apply
bulk-select = Select #{ $number }
bulk-changed = { $count ->
    [one] Changed { $count } ticket.
   *[other] Changed { $count } tickets.
}
bulk-not-changed = Not changed (the change does not apply to them):

## Account: flow

account-keys-flow = Keyboard and flow
account-open-next = After I send an answer, open the next ticket of the same view (the sent message can still be undone from there)

## Notices of the team's tools

notice-sent-next = Sent. This is the next ticket of your view; the answer you sent can still be undone below while its window lasts.
notice-priority = Priority changed.
notice-tags = Tags changed.
notice-merged = Merged: every message is on the other ticket now, and this one is closed.
notice-split = The message is a ticket of its own now, assigned to you.
notice-saved-reply-saved = Saved reply saved.
notice-saved-reply-deleted = Saved reply deleted.
notice-bulk = Done for the selected tickets; any that could not take the change are listed.
notice-kb-created = Article created. The engine learns from it in the background.
notice-kb-saved = New version saved. The engine learns from it in the background.
notice-example-added = The customer's words were added as an example of the article; the engine learns from it in the background.

## Customers' ratings on the supervisor page

sv-ratings = Customers who found the answer helpful
sv-note-ratings = automated answers { $auto } of { $auto_n } · answers by people { $human } of { $human_n } (rated on the status page)

## One customer across channels (ticket page)

customer-identities = Also writes from
customer-split = Split off
customer-split-label = Split { $address } off into a customer of their own
customer-merge-label = Same person as the customer with the address
customer-merge = Merge customers
notice-customer-merged = Customers merged: one history, every address linked.
notice-customer-split = The address is a customer of its own again, with the tickets it opened.
