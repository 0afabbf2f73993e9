# Die Texte der Konsole (was Agents, Supervisor und Admins lesen), auf Deutsch.
# Schlüssel und { $Platzhalter } wie in i18n/en/console.ftl; Schlüssel auf -html dürfen
# das gezeigte Markup enthalten.

## Jede Seite (base.html)

page-suffix = Tandem
nav-queue = Warteschlange
nav-supervisor = Supervisor
nav-users = Benutzer
nav-audit = Protokoll
nav-failed-mail = Fehlgeschlagene Mails
nav-privacy = Datenschutz
sign-out = Abmelden
role-agent = Agent
role-supervisor = Supervisor
role-admin = Admin
skip-any = alle
skip-anyone = alle
action-save = Speichern
action-filter = Filtern
label-email = E-Mail
label-password = Passwort
label-code = Code
back-to-sign-in = Zurück zur Anmeldung
new-password-min = Neues Passwort (mindestens 10 Zeichen)

## Texte des Skripts (console.js liest sie aus der Seite)

js-keys-title = Tastenkürzel
js-key-help = diese Liste zeigen oder ausblenden
js-key-send = das Textfeld senden, in dem Sie schreiben
js-key-leave = ein Textfeld verlassen
js-key-move = nächstes / vorheriges Ticket
js-key-open = das gewählte Ticket öffnen
js-write-in = schreiben in:
js-keys-browser = Einzeltasten-Kürzel (j, k, a, e, t, n, /) in diesem Browser
js-keys-off-account = (auf Ihrer Kontoseite ausgeschaltet)
js-close = Schließen
js-restored = Wiederhergestellt: der Text, den Sie vorher eingegeben haben

## Hinweise nach einer Aktion

notice-approved = Entwurf freigegeben und gesendet.
notice-edited = Ihre bearbeitete Antwort wurde gesendet.
notice-taken-over = Das Ticket gehört jetzt Ihnen; schreiben Sie Ihre Antwort unten.
notice-rejected = Entwurf abgelehnt; das Ticket wartet auf die Antwort eines Menschen.
notice-replied = Antwort gesendet.
notice-noted = Interne Notiz hinzugefügt (nicht an den Kunden gesendet).
notice-assigned = Zuweisung geändert.
notice-status = Status geändert.
notice-undone = Rückgängig gemacht: Die Nachricht wurde nicht gesendet. Das Ticket gehört wieder Ihnen.
notice-participants = Beteiligte geändert.
notice-vip = VIP-Markierung des Kunden geändert; solange sie gesetzt ist, gehen seine Nachrichten immer an einen Menschen.
notice-conflict = Jemand anderes hat zuerst an diesem Ticket gehandelt. Dies ist sein aktueller Stand; nichts wurde doppelt gesendet.
notice-user-saved = Benutzer gespeichert.
notice-user-created = Benutzer angelegt. Geben Sie das Passwort auf sicherem Weg weiter.
notice-user-invited = Einladung gesendet: Der neue Benutzer wählt sein Passwort über den Link in der Mail.
notice-reset-sent = Dem Benutzer wurde ein Link zum Wählen eines neuen Passworts gemailt.
notice-password-set = Ihr Passwort ist gesetzt. Melden Sie sich damit an.
notice-keys = Einstellung der Tastenkürzel gespeichert.
notice-language = Sprache der Konsole gespeichert.
notice-password-changed = Passwort geändert. Ihre anderen Sitzungen wurden abgemeldet.
notice-two-factor-on = Die Zwei-Faktor-Anmeldung ist an: Die Anmeldung fragt nach einem Code aus Ihrer App.
notice-two-factor-off = Die Zwei-Faktor-Anmeldung ist aus.
notice-two-factor-reset = Zwei-Faktor-Anmeldung für den Benutzer ausgeschaltet: Er meldet sich nur mit seinem Passwort an, bis er sie wieder einrichtet.
notice-signin-expired = Die Anmeldung hat zu lange gedauert; geben Sie Ihr Passwort erneut ein.
notice-settings-saved = Einstellungen gespeichert; sie gelten ab der nächsten Nachricht.
notice-marked-wrong = Als falsch markiert: Es zählt als Fehler der Automatisierung, und die Engine lernt daraus.
notice-signed-out = Sie sind abgemeldet.
notice-welcome = Willkommen! Ihr Admin-Konto ist bereit.
notice-erased = Gelöscht: Die personenbezogenen Daten des Kunden sind entfernt; Zählungen und Zeiten bleiben.
notice-nothing-erased = Kein Kunde hat (mehr) diese Adresse: Es gibt nichts zu löschen.
notice-hold = Aufbewahrungspflicht geändert.

## Fehler

error-title = Fehler { $status }
error-back = Zurück zur Warteschlange
error-sign-in = Bitte melden Sie sich an
error-forbidden = Ihre Rolle erlaubt diese Seite nicht
error-bad-csrf = Das Formular ist abgelaufen oder kam nicht aus dieser Konsole; laden Sie die Seite neu und versuchen Sie es noch einmal
error-internal = Interner Fehler; die Einzelheiten stehen im Serverprotokoll.
error-wrong-login = E-Mail oder Passwort falsch
error-needs-code = Dieses Konto verlangt einen Code aus seiner Authenticator-App
error-wrong-code = Dieser Code stimmt nicht (oder wurde schon verwendet); versuchen Sie den nächsten
error-signin-expired = Die Anmeldung hat zu lange gedauert; geben Sie Ihr Passwort erneut ein
error-wrong-password = Das Passwort stimmt nicht
error-same-password = Das neue Passwort muss sich vom bisherigen unterscheiden
error-link-used = Dieser Link wurde schon verwendet oder ist abgelaufen. Fordern Sie auf der Anmeldeseite (Passwort vergessen?) oder bei einem Admin einen neuen an.
error-setup-used = Dieser Einrichtungslink wurde schon verwendet.
error-setup-invalid = Dieser Einrichtungslink wurde schon verwendet, ist älter als eine Stunde oder ist ungültig. Starten Sie `tandem serve` neu, um einen neuen auszugeben, melden Sie sich an, wenn es schon einen Admin gibt, oder legen Sie Benutzer mit `tandem user add` an.
signed-out-fragment = Abgemeldet –
signed-out-again = erneut anmelden
signed-out-kept = Was Sie hier eingegeben haben, bleibt erhalten.

## Anmeldung, Einrichtung, neues Passwort, Code

login-title = Anmelden
login-first-run-html = <strong>Noch keine Benutzer.</strong> Der erste Admin wird mit einem einmaligen Einrichtungslink angelegt: Starten Sie <code>tandem serve</code> (oder sehen Sie in die Ausgabe des bereits laufenden); der Link steht dort unter „No users yet“. Öffnen Sie ihn und legen Sie das Admin-Konto an.
login-first-run-cli-html = Oder auf dem Server: <code>tandem user add --email you@example.com --name "Your Name" --role admin</code> (das Passwort wird von der Standardeingabe gelesen).
login-button = Anmelden
login-forgot = Passwort vergessen?
code-title = Anmeldecode
code-heading = Code eingeben
code-intro = Öffnen Sie Ihre Authenticator-App und geben Sie den sechsstelligen Code ein, den sie für Tandem anzeigt.
code-start-again = Von vorn beginnen
forgot-title = Passwort vergessen
forgot-heading = Passwort vergessen?
forgot-sent = Falls ein Konto diese Adresse verwendet, ist ein Link zum Wählen eines neuen Passworts dorthin unterwegs. Der Link funktioniert einmal, 24 Stunden lang.
forgot-intro = Geben Sie die Adresse ein, mit der Sie sich anmelden. Gehört sie zu einem Konto, mailen wir ihr einen Link zum Wählen eines neuen Passworts.
forgot-send = Link senden
reset-title-welcome = Willkommen
reset-title-new = Neues Passwort
reset-welcome = Willkommen, { $name }
reset-invite-intro-html = Wählen Sie das Passwort, mit dem Sie sich als <strong>{ $email }</strong> anmelden. Dieser Link funktioniert einmal.
reset-heading = Neues Passwort wählen
reset-intro-html = Für <strong>{ $email }</strong>. Dieser Link funktioniert einmal; Ihr altes Passwort gilt danach nicht mehr.
reset-again = Noch einmal
reset-button = Passwort setzen
setup-title = Tandem einrichten
setup-heading = Den ersten Admin anlegen
setup-intro = Dieser Link funktioniert einmal. Das Konto, das Sie hier anlegen, verwaltet Benutzer und Einstellungen.
setup-name = Ihr Name
setup-password = Passwort (mindestens 10 Zeichen)
setup-button = Admin anlegen und anmelden

## Ihr Konto

account-title = Ihr Konto
account-password-heading = Passwort ändern
account-current-password = Aktuelles Passwort
account-password-again = Neues Passwort noch einmal
account-password-button = Passwort ändern
account-password-note = Wenn sich das Passwort ändert, werden Ihre anderen Sitzungen abgemeldet.
account-keys-heading = Tastatur
account-keys-label-html = Einzeltasten-Kürzel (j, k, a, e, t, n, /): Drücken Sie <kbd>?</kbd> in der Konsole für die Liste
account-language-heading = Sprache
account-language-label = Sprache der Konsole
account-two-factor-heading = Zwei-Faktor-Anmeldung
account-two-factor-on = An: Nach dem Passwort fragt die Anmeldung nach einem Code aus Ihrer Authenticator-App.
account-two-factor-off-button = Ausschalten
account-two-factor-off = Aus. Ist sie an, fragt die Anmeldung zusätzlich nach einem sechsstelligen Code aus einer Authenticator-App auf Ihrem Telefon.
account-two-factor-set-up = Zwei-Faktor-Anmeldung einrichten
two-factor-title = Zwei-Faktor-Anmeldung
two-factor-heading = Zwei-Faktor-Anmeldung einrichten
two-factor-step-scan = Fügen Sie in Ihrer Authenticator-App ein Konto hinzu, indem Sie diesen Code scannen oder den Schlüssel unten eingeben (oder öffnen Sie den Link auf dem Telefon):
two-factor-step-code = Geben Sie den sechsstelligen Code ein, den die App gerade zeigt, und Ihr Passwort.
two-factor-once = Der Schlüssel wird nur auf dieser Seite gezeigt: Nach der Bestätigung nie wieder.
two-factor-on-button = Einschalten
two-factor-cancel = Abbrechen
two-factor-qr-label = QR-Code des Schlüssels für Ihre Authenticator-App

## Warteschlange

queue-title = Warteschlange
queue-views = Ansichten der Warteschlange
view-open = Alle offenen
view-review = Zu prüfen
view-escalated = Eskaliert
view-mine = Meine
view-in-progress = In Bearbeitung
view-waiting = Wartet auf Kunden
view-all = Alle Tickets
view-automated = Automatisch gesendet
queue-search = Suche
queue-search-placeholder = #1042, Wörter, E-Mail
queue-intent = Anliegen
queue-language = Sprache
queue-confidence = Konfidenz
queue-assignee = Zuständig
queue-unassigned = nicht zugewiesen
queue-channel = Kanal
band-95 = 0,95 und mehr
band-below-80 = unter 0,80
queue-automated-none = Keine automatischen Antworten gefunden.
queue-automated-none-note = Antworten, die die KI selbst gesendet hat, stehen hier, die neuesten zuerst.
queue-automated-count = { $count ->
    [one] { $count } automatische Antwort, die neueste zuerst.
   *[other] { $count } automatische Antworten, die neuesten zuerst.
}
queue-mark-note-html = Markieren Sie eine Antwort als <em>falsch</em>, wenn sie nicht hätte hinausgehen sollen: Das zählt als Fehler der Automatisierung, und die Engine lernt daraus.
col-number = #
col-subject-answer = Betreff und Antwort
col-subject = Betreff
col-customer = Kunde
col-status = Status
col-intent = Anliegen
col-lang = Spr.
col-confidence = Konfidenz
col-sent = Gesendet
col-check = Prüfung
col-waiting = Wartet
col-assignee = Zuständig
queue-marked-wrong = als falsch markiert
queue-mark-wrong = Falsch
queue-mark-wrong-label = Die Antwort auf #{ $number } als falsch markieren
queue-empty = Hier wartet nichts.
queue-empty-note-html = Neue Tickets erscheinen von selbst. Antworten, bei denen die KI sicher war, gingen automatisch hinaus; siehe <a href="/queue?view=automated">automatisch gesendet</a> und <a href="/queue?view=all">alle Tickets</a>. Zum Ausprobieren leiten Sie eine E-Mail in <code>tandem ingest-mail</code> oder starten Sie mit <code>tandem serve --demo</code>.
queue-no-match = Kein Ticket in dieser Ansicht passt zur Suche und zu den Filtern.
queue-no-match-clear = Suche und Filter zurücksetzen
queue-count = { $count ->
    [one] { $count } Ticket, das am längsten wartende zuerst.
   *[other] { $count } Tickets, die am längsten wartenden zuerst.
}
queue-keys-html = Tasten: <kbd>j</kbd>/<kbd>k</kbd> bewegen, <kbd>Enter</kbd> öffnet, <kbd>/</kbd> sucht, <kbd>?</kbd> zeigt alle Tasten.
pages = Seiten
page-previous = ← Vorige Seite
page-next = Nächste Seite →
page-of = Seite { $page } von { $pages }
time-just-now = gerade eben
time-minutes = { $m } Min.
time-hours = { $h } Std. { $m } Min.
time-days = { $d } T. { $h } Std.

## Ticketstatus

status-new = Neu
status-triaged = Eingeordnet
status-auto-answered = Automatisch beantwortet
status-pending-review = Zu prüfen
status-escalated = Eskaliert
status-in-progress = In Bearbeitung
status-waiting-on-customer = Wartet auf Kunden
status-resolved = Gelöst
status-closed = Geschlossen

## Ticket

ticket-language = Sprache
ticket-intent = Anliegen
ticket-assigned-to = zugewiesen an
ticket-human-requested = Der Kunde hat bei diesem Ticket nach einem Menschen gefragt: Hier wird nichts mehr automatisch beantwortet.
ticket-back = ← Warteschlange
ticket-next = Nächstes Ticket #{ $number } →
ticket-conversation = Verlauf
ticket-queued = in der Warteschlange
ticket-undo = Rückgängig
ticket-goes-out = geht in { $seconds } s hinaus
ticket-new-participant = Von einem neuen Beteiligten: { $who }. Nicht der Kunde und bisher nicht im Verlauf: Hierauf wurde nichts automatisch beantwortet, und am Ticket ändert es nichts.
ticket-quoted = Zitierter Text und Signatur
ticket-bytes = { $type }, { $size } Bytes
ticket-ai-suggestion = KI-Vorschlag
ticket-ai-draft = KI-Entwurf
ticket-confidence = Konfidenz
ticket-decision = Entscheidung
ticket-engine-reason = Die Begründung der Engine
ticket-why-person = Warum ein Mensch
ticket-sources = Quellen
ticket-open-composer = Den vorgeschlagenen Entwurf im Editor öffnen
ticket-suggested-draft = Vorgeschlagener Entwurf: Lesen und anpassen, bevor Sie ihn senden
ticket-send-this = Diese Antwort senden
ticket-approve = Freigeben & senden
ticket-edit-draft = Entwurf bearbeiten
ticket-send-edited = Bearbeitete Antwort senden
ticket-reject-because = Ablehnen, weil
ticket-choose-reason = Grund wählen
ticket-reject = Entwurf ablehnen
ticket-last-decision = Letzte KI-Entscheidung
ticket-confidence-draft = Konfidenz { $confidence } · Entwurf { $status }
ticket-take-over = Übernehmen
ticket-reply-label = Antwort an den Kunden
ticket-send-reply = Antwort senden
ticket-note-label = Interne Notiz (wird nie gesendet)
ticket-add-note = Notiz hinzufügen
ticket-nobody = niemand
ticket-assign = Zuweisen
ticket-status-now = { $status } (aktuell)
ticket-set-status = Status setzen
ticket-participants = Beteiligte
ticket-participants-note = Wer außer dem Kunden bei diesem Ticket schreiben darf. Alle anderen werden als neue Beteiligte markiert.
ticket-nobody-else = Niemand sonst.
ticket-added-by-agent = von einem Agent hinzugefügt
ticket-in-to-cc = in An/Cc
ticket-remove-label = { $address } entfernen
ticket-remove = Entfernen
ticket-add-participant = Beteiligten hinzufügen
ticket-add = Hinzufügen
ticket-customer = Kunde
ticket-remove-vip = VIP-Markierung entfernen
ticket-vip-title = Seine Nachrichten gehen dann immer an einen Menschen
ticket-mark-vip = Als VIP markieren
ticket-no-earlier = Keine früheren Tickets.
ticket-earlier = Frühere Tickets
presence-also-here = Ebenfalls hier:
presence-writing = (schreibt eine Antwort)
author-note = Interne Notiz
author-customer = Kunde
author-ai = Automatische Antwort
author-system = Eingangsbestätigung
author-agent = Agent
reject-wrong-intent = Falsches Anliegen: Er beantwortet eine andere Frage
reject-wrong-facts = Falsche oder veraltete Fakten
reject-tone = Der Ton passt nicht
reject-needs-action = Braucht eine Handlung, keine Antwort

## Gründe (warum ein Ticket auf einen Menschen wartet)

flag-human-requested = Der Kunde hat nach einem Menschen gefragt.
flag-legal-threat = Der Kunde erwähnt rechtliche Schritte.
flag-anger = Der Kunde wirkt verärgert.
flag-never-auto = Diese Art Anfrage prüft immer ein Mensch.
flag-multiple-questions = Die Nachricht stellt mehrere verschiedene Fragen.
flag-repeat-contact = Der Kunde hat schon einmal wegen etwas noch Offenem geschrieben.
flag-vip = Der Kunde ist als VIP markiert.
flag-language-not-covered = Die Wissensdatenbank hat keine Antwort in der Sprache des Kunden.
flag-no-article = Die Wissensdatenbank hat keinen Artikel zu dieser Frage.
flag-low-confidence = Die Engine ist nicht sicher, was der Kunde wissen möchte.
decision-auto = Automatisch beantwortet: Die Engine war sicher, und das Thema ist automatisiert.
decision-legal = Der Kunde erwähnt rechtliche Schritte: Ein Mensch antwortet.
decision-anger = Der Kunde wirkt verärgert: Ein Mensch antwortet.
decision-vip = Der Kunde ist VIP: Ein Mensch antwortet.
decision-refunds = Erstattungen prüft immer ein Mensch.
decision-cancellations = Kündigungen prüft immer ein Mensch.
decision-wrote-back = Der Kunde hat nach einer automatischen Antwort zurückgeschrieben: Sie hat die Sache nicht erledigt.
decision-handled = Ein Mensch bearbeitet dieses Ticket bereits.
decision-no-auto-reply = Keine automatische Antwort: Das sieht nach einem automatischen Absender oder zu vielen Antworten aus.
decision-review = Die Engine ist ziemlich sicher, aber nicht genug, um allein zu antworten: Prüfen Sie den Entwurf.
headline-human = Der Kunde hat nach einem Menschen gefragt
headline-legal = Erwähnt rechtliche Schritte
headline-anger = Der Kunde ist verärgert
headline-vip = VIP-Kunde
headline-never-auto = Prüft immer ein Mensch
headline-multiple = Mehrere Fragen in einer Nachricht
headline-repeat = Schrieb nach einer Antwort erneut
headline-language = Keine Artikel in dieser Sprache
headline-no-article = Kein passender Artikel
headline-not-sure = Die KI ist nicht sicher genug
headline-escalate = Braucht einen Menschen
headline-check = Wartet auf Prüfung

## Benutzer und Protokoll

users-title = Benutzer
col-name = Name
col-email = E-Mail
col-role = Rolle
col-languages = Sprachen
col-active = Aktiv
col-sign-in = Anmeldung
users-role-of = Rolle von { $name }
users-languages-of = Sprachen von { $name }
users-is-active = { $name } ist aktiv
users-invited = eingeladen, noch kein Passwort
users-password = Passwort
users-plus-code = + Code
users-code-off-label = Code von { $name } ausschalten
users-code-off-title = Zwei-Faktor-Anmeldung ausschalten (verlorenes Telefon)
users-code-off = Code ausschalten
users-invite-again-label = Erneut einladen: { $name }
users-invite-again-title = { $name } einen neuen Einladungslink mailen
users-invite-again = Erneut einladen
users-reset-label = Link für neues Passwort an { $name } senden
users-reset-title = { $name } einen Link zum Wählen eines neuen Passworts mailen
users-reset = Link für neues Passwort senden
users-invite-heading = Benutzer einladen
users-invite-note = Er erhält eine Mail mit einem einmaligen Link (7 Tage gültig), um sein eigenes Passwort zu wählen.
users-invite = Einladen
audit-title = Protokoll
audit-intro = Wer was gesehen und geändert hat, das Neueste zuerst. Anmeldungen, Ticketaufrufe, Downloads, jede Aktion an Entwürfen und Tickets, Einstellungen, Exporte, Löschungen, Aufbewahrungspflichten und Aufbewahrungsläufe. Einträge lassen sich weder ändern noch löschen.
audit-person = Person
audit-action = Aktion
audit-ticket = Ticket
audit-from = Von
audit-to = Bis
audit-csv = CSV herunterladen
audit-nothing = Nichts protokolliert.
audit-nothing-matches = Nichts Passendes protokolliert.
col-when-utc = Wann (UTC)
col-who = Wer
col-from = Von
col-what = Was
col-ticket = Ticket
col-details = Einzelheiten
audit-newer = ← Neuere
audit-older = Ältere →
audit-page = Seite { $page }

## Fehlgeschlagene Mails

failed-title = Fehlgeschlagene Mails
failed-intro = Eingehende Nachrichten, die gespeichert wurden, aber nie verarbeitet werden können, die neuesten zuerst. Der Absender wurde benachrichtigt (Exit 65 oder HTTP 400); die Rohnachricht bleibt erhalten.
failed-none = Keine fehlgeschlagenen Mails.
col-received-utc = Empfangen (UTC)
col-message-id = Message-ID
col-size = Größe
col-attempts = Versuche
col-reason = Grund

## Datenschutz

privacy-title = Datenschutz
privacy-intro-html = Das Auskunfts- und das Löschrecht eines Kunden, Aufbewahrungspflichten und was die Aufbewahrungsfrist entfernt. Jede Aktion hier steht im <a href="/admin/audit">Protokoll</a>.
privacy-export-heading = Daten eines Kunden exportieren
privacy-export-note-html = Ein ZIP-Archiv: <code>customer.json</code> (Profil, Tickets, Nachrichten, Entwürfe, Ereignisse, VIP- und Einwilligungsdaten), die Anhänge und die Rohnachrichten als <code>.eml</code>.
privacy-customer-email = E-Mail des Kunden
privacy-download = Archiv herunterladen
privacy-erase-heading = Einen Kunden löschen
privacy-erase-note = Ersetzt Namen und Adresse durch ein Pseudonym und löscht Nachrichten, Betreffzeilen, Anhänge, Rohmails, Entwürfe und ausgehende Mails; die Engine vergisst, was sie von ihm gelernt hat. Zählungen und Zeiten bleiben für die Supervisor-Kennzahlen. Das lässt sich nicht rückgängig machen.
privacy-reason = Grund (bleibt im Protokoll)
privacy-reason-placeholder = Löschantrag vom 30.11.2026
privacy-confirm-password = Ihr Passwort, zur Bestätigung
privacy-erase = Endgültig löschen
privacy-hold-heading = Aufbewahrungspflicht
privacy-hold-note = Ein zurückgehaltenes Ticket, oder jedes Ticket eines zurückgehaltenen Kunden, bleibt von Aufbewahrungsfrist und Löschung unberührt.
privacy-hold-target = E-Mail des Kunden oder Ticketnummer
privacy-hold-on = Zurückhalten (zum Aufheben abwählen)
privacy-nothing-held = Nichts wird zurückgehalten.
privacy-retention-heading = Aufbewahrung
privacy-retention-html = Rohmails: { $raw } nach der Verarbeitung. Geschlossene, gelöste, automatisch beantwortete und auf den Kunden wartende Tickets: { $closed } nach ihrer letzten Änderung (<code>TANDEM_RETENTION_RAW_DAYS</code>, <code>TANDEM_RETENTION_CLOSED_DAYS</code>). Ein Server führt das einmal täglich aus.
privacy-nothing-due = Nichts steht zur Entfernung an.
privacy-due = Fällig beim nächsten Lauf:

## Supervisor

supervisor-title = Supervisor
supervisor-by-hour = pro Stunde
supervisor-by-day = pro Tag
supervisor-dial-link = Automatisierungsregler
supervisor-from = Von
supervisor-to = Bis
supervisor-show = Anzeigen
supervisor-totals-csv = Summen als CSV
supervisor-totals = Summen
supervisor-series = Triage-Entscheidungen im Zeitverlauf
supervisor-nothing = Nichts in diesem Zeitraum.
supervisor-definitions = Automatisierungsquote: ohne Menschen gesendete Entwürfe ÷ alle Triage-Entscheidungen. Eskalationen zählen einmal, unter ihrem ausschlaggebendsten Grund. Prüfergebnisse stammen aus dem endgültigen Status des Entwurfs; Mediane und 90. Perzentile sind Nearest-Rank über ganze Minuten. Gesparte Stunden: automatische Antworten × die mittlere Zeit, die ein Mensch für einen Entwurf desselben Anliegens brauchte (vom ersten Öffnen des Tickets bis zur Entscheidung, in Sekunden), oder der Gesamtmedian, oder TANDEM_MINUTES_PER_TICKET. Wiedereröffnungsquote: gesendete automatische Antworten, auf die der Kunde innerhalb von 7 Tagen nach dem Senden zurückschrieb (die Nachricht, die die Antwort auslöste, zählt nicht). Nach einem Menschen gefragt: davon die Antworten, in denen der Kunde nach einem Menschen fragte. Als falsch markiert: automatische Antworten, die ein Supervisor in der Ansicht „Automatisch gesendet“ als falsch markiert hat. Eine Quote, die auf weniger als 30 Fällen beruht, trägt einen Hinweis.
dial-title = Automatisierungsregler
dial-back = ← Supervisor-Kennzahlen
dial-note = Änderungen gelten ab der nächsten Nachricht, in jedem Prozess, und werden im Protokoll festgehalten.
dial-what-if = Was wäre, wenn
dial-replayed = Nachgespielte Entwürfe
dial-replays = Spielt die Entwürfe vom { $from } bis { $to } (UTC) nach. „Korrigiert“ zählt Entwürfe, die Agents bearbeitet, abgelehnt oder übernommen haben, unter denen, die ein Mensch geprüft hat.
dial-auto = Automatisch senden ab
dial-review = Prüfen ab (darunter: eskalieren)
dial-per-intent-html = Schwelle für automatisches Senden je Anliegen (eine Zeile <code>intent = 0.9</code> je Anliegen)
dial-off-intents = Automatisierung aus für diese Anliegen (mit Kommas getrennt)
dial-off-languages-html = Automatisierung aus für diese Sprachen (mit Kommas getrennt, z. B. <code>de, fi</code>)
dial-never = Nie automatisch senden bei Anliegen, deren Name enthält (mit Kommas getrennt)
dial-why = Warum (zum Speichern nötig; kommt ins Protokoll)
dial-preview = Vorschau
wording-title = Texte für Kunden
wording-intro-html = Was Kunden lesen: Anreden, Grußformeln, Eingangsbestätigungen und die Zeile unter automatischen Antworten. Schreiben Sie nur die Nachrichten, die Sie ändern möchten, in <a href="https://projectfluent.org/">Fluent</a>-Syntax (<code>greeting = Hi {"{"} $name {"}"}!</code>); der Rest bleibt wie im Katalog unten.
wording-languages = Sprachen
wording-yours-html = Ihre Nachrichten für <strong>{ $language }</strong> (leer: die des Katalogs)
wording-catalogue = Katalog ({ $language })

## Supervisor-Kennzahlen (Beschriftungen, Tabellentitel und Spaltenköpfe aus Rust)

sv-tickets-in = Eingegangene Tickets
sv-automation-rate = Automatisierungsquote
sv-escalation-rate = Eskalationsquote
sv-reopen-rate-auto = Wiedereröffnungsquote nach automatischen Antworten
sv-asked-person = Nach einer automatischen Antwort einen Menschen verlangt
sv-marked-wrong = Als falsch markierte automatische Antworten
sv-hours-saved = Gesparte Stunden
sv-backlog = Rückstand
sv-why-person = Warum Nachrichten an einen Menschen gingen
sv-reason = Grund
sv-drafts = Entwürfe
sv-share-decisions = Anteil an allen Entscheidungen
sv-all-escalations = alle Eskalationen
sv-low-confidence = geringe Konfidenz
sv-asked-for-person = Mensch verlangt
sv-risk-flag = Risikomerkmal
sv-no-article = kein Artikel
sv-language-not-covered = Sprache nicht abgedeckt
sv-repeat-contact = wiederholter Kontakt
sv-other = Sonstiges
sv-approved-unchanged-lc = unverändert freigegeben
sv-taken-over-lc = übernommen
sv-rejected-lc = abgelehnt
sv-review-outcomes = Prüfergebnisse
sv-outcome = Ergebnis
sv-share-reviewed = Anteil an den geprüften
sv-times = Antwort- und Lösungszeiten
sv-tickets = Tickets
sv-median = Median
sv-first-auto = Erste Antwort, automatisch
sv-first-person = Erste Antwort, durch einen Menschen
sv-resolution-auto = Lösung, automatisch
sv-resolution-person = Lösung, durch einen Menschen
sv-by-hour = Nach Stunde
sv-by-day = Nach Tag
sv-period = Zeitraum
sv-decisions = Entscheidungen
sv-automated = Automatisiert
sv-to-person = An einen Menschen
sv-calibration = Kalibrierung: geprüfte Entwürfe nach Konfidenz
sv-confidence = Konfidenz
sv-reviewed = Geprüft
sv-approved-unchanged = Unverändert freigegeben
sv-observed-accuracy = Beobachtete Genauigkeit
sv-precision-title = Präzision je Anliegen bei den aktuellen Schwellen
sv-intent = Anliegen
sv-auto-threshold = Schwelle für automatisch
sv-reviewed-above = Geprüft ab Schwelle
sv-precision = Präzision
sv-by-intent = Nach Anliegen
sv-by-language = Nach Sprache
sv-by-channel = Nach Kanal
sv-by-agent = Nach Agent
sv-language = Sprache
sv-channel = Kanal
sv-agent = Agent
sv-escalated = Eskaliert
sv-approved = Freigegeben
sv-edited = Bearbeitet
sv-taken-over = Übernommen
sv-rejected = Abgelehnt
sv-first-person-median = Erste Antwort (Mensch), Median
sv-resolution-person-median = Lösung (Mensch), Median
sv-oldest-waiting = Am längsten wartend
sv-reopen-rate = Wiedereröffnungsquote
sv-drafts-replayed = Nachgespielte Entwürfe
sv-sent-auto = Automatisch gesendet
sv-reviewed-by-person = Davon von einem Menschen geprüft
sv-corrected = Von Agents korrigiert (bearbeitet, abgelehnt, übernommen)
sv-escalated-straight = Direkt an einen Menschen eskaliert
sv-nothing-waiting = nichts wartet
privacy-days = { $days ->
    [one] { $days } Tag
   *[other] { $days } Tage
}
privacy-forever = unbegrenzt aufbewahrt
not-recommended-person = Nicht empfohlen: Der Kunde hat nach einem Menschen gefragt
not-recommended-legal = Nicht empfohlen: Der Kunde erwähnt rechtliche Schritte
not-recommended-anger = Nicht empfohlen: Der Kunde wirkt verärgert
not-recommended-repeat = Nicht empfohlen: Der Kunde hat schon einmal wegen etwas noch Offenem geschrieben
not-recommended-vip = Nicht empfohlen: Der Kunde ist als VIP markiert
not-recommended-escalated = Nicht empfohlen: Die Engine hat dieses Ticket an einen Menschen eskaliert

## Formularfehler aus Rust (auf der Seite des Formulars)

error-password-short = Das Passwort braucht mindestens 10 Zeichen
error-passwords-differ = Die beiden Passwörter unterscheiden sich
error-new-passwords-differ = Die beiden neuen Passwörter unterscheiden sich
error-current-password = Das aktuelle Passwort stimmt nicht
error-code-mismatch = Dieser Code passt nicht: Prüfen Sie den Schlüssel in Ihrer App und die Uhrzeit Ihres Telefons
error-secret-base32 = Der Schlüssel ist kein gültiges Base32
error-legal-hold = Für diesen Kunden oder eines seiner Tickets gilt eine Aufbewahrungspflicht; heben Sie sie zuerst auf
error-not-your-password = Das ist nicht Ihr Passwort; es wurde nichts gelöscht
sv-note-decisions = { $n } Triage-Entscheidungen
sv-note-auto = { $n } ohne Menschen beantwortet
sv-note-to-person = { $n } gingen an einen Menschen
sv-note-reopen = { $reopened } von { $followed } gesendeten automatischen Antworten bekamen bisher innerhalb von 7 Tagen eine Antwort; von den { $settled } vor mehr als 7 Tagen gesendeten blieben { $stayed } gelöst
sv-note-of-followed = { $rate } von { $followed } gesendeten automatischen Antworten
sv-note-of-sent = { $rate } von { $sent } automatischen Antworten
sv-note-hours = automatische Antworten × mittlere Bearbeitungszeit (insgesamt { $overall })
sv-note-default-minutes = { $minutes } Min., der Standardwert
sv-note-oldest = am längsten wartend: { $wait }
sv-caution = { $n ->
    [one] Nur { $n } Fall: zu wenige, um dieser Quote zu trauen.
   *[other] Nur { $n } Fälle: zu wenige, um dieser Quote zu trauen.
}
dial-now = Jetzt: { $sentence }.
dial-proposed = Vorschlag: { $sentence }.
dial-no-drafts = keine Entwürfe in diesem Zeitraum zum Nachspielen
dial-would-auto = bei { $threshold } würden etwa { $rate } automatisch gesendet ({ $auto } von { $drafts } Entwürfen)
dial-corrected = , davon wurden etwa { $rate } von Agents korrigiert ({ $corrected } von { $reviewed } geprüften)
dial-none-reviewed = ; keiner davon wurde von einem Menschen geprüft
dial-current-head = Aktuell (automatisch ≥ { $threshold })
dial-proposed-head = Vorschlag (automatisch ≥ { $threshold })
supervisor-period = { $from } bis { $to } (UTC)
privacy-due-raw = Rohmail { $id }, empfangen { $at }
privacy-due-raw-ticket = Rohmail { $id }, empfangen { $at } (Ticket #{ $number })
privacy-due-ticket = Ticket #{ $number } geschlossen, zuletzt geändert { $at }
delivery-pending = ausstehend
delivery-sending = wird gesendet
delivery-sent = gesendet
delivery-failed = fehlgeschlagen
delivery-cancelled = storniert
draft-pending = ausstehend
draft-approved = freigegeben
draft-edited = bearbeitet
draft-rejected = abgelehnt
draft-taken-over = übernommen
draft-superseded = ersetzt
draft-set-aside = zurückgestellt
draft-sent = gesendet
error-throttled = Zu viele Fehlversuche; warten Sie { $seconds } Sekunden und versuchen Sie es erneut

## Knowledge base in the console (kb_list.html, kb_edit.html)

nav-kb = Wissensdatenbank
kb-title = Wissensdatenbank
kb-intro = Die Artikel, aus denen die KI antwortet, einer je Anliegen und Sprache. Jede gespeicherte Änderung bleibt als Version erhalten, und die Engine lernt innerhalb einer Minute im Hintergrund daraus.
kb-search = Suche
kb-search-placeholder = Titel, Wörter, Beispielfrage
kb-language = Sprache
kb-any = alle
kb-search-button = Suchen
kb-new = Neuer Artikel
kb-empty = Noch keine Artikel. Schreiben Sie den ersten mit „Neuer Artikel“ oder importieren Sie eine Datei mit tandem kb import.
kb-no-match = Kein Artikel passt.
kb-count = { $count ->
    [one] { $count } Artikel
   *[other] { $count } Artikel
}
kb-col-title = Titel
kb-col-intent = Anliegen
kb-col-language = Sprache
kb-col-examples = Beispiele
kb-col-version = Version
kb-col-updated = Geändert (UTC)
kb-previous = ← Zurück
kb-next = Weiter →
kb-page-of = Seite { $page } von { $pages }
kb-back = ← Wissensdatenbank
kb-edit-heading = Artikel bearbeiten
kb-new-heading = Neuer Artikel
kb-field-title = Titel
kb-field-intent = Anliegen
kb-field-intent-hint = (was Kunden fragen; leer: aus dem Titel gebildet)
kb-field-intent-rule = ein Wort, ohne Leerzeichen
kb-field-language = Sprache
kb-field-language-hint = (zwei Buchstaben: en, de, ja …)
kb-field-body = Antwort (Markdown)
kb-field-questions = Beispielfragen
kb-field-questions-hint = (eine je Zeile: wie Kunden danach fragen)
kb-save-version = Neue Version speichern
kb-create = Artikel anlegen
kb-preview = Vorschau
kb-preview-empty = Die Antwort erscheint hier, sobald sie gespeichert ist.
kb-versions = Versionen
kb-version-line = Version { $version } · { $when } ·
kb-imported = importiert
kb-examples = Beispiele:

## Saved replies (replies.html)

nav-replies = Textbausteine
replies-title = Textbausteine
replies-intro = Texte, die Sie auf jedem Ticket mit einem Schritt in eine Antwort übernehmen. Sie dürfen Platzhalter enthalten, die für das Ticket ausgefüllt werden:
replies-intro-private = Ihre eigenen sehen nur Sie, die des Teams alle.
replies-intro-supervisors = Die des Teams schreiben Supervisoren.
replies-empty = Noch keine Textbausteine.
replies-field-title = Titel
replies-field-text = Text
replies-shared = Für das ganze Team
replies-team = (Team)
replies-delete = Löschen
replies-new = Neuer Textbaustein
replies-title-placeholder = Erstattung ist unterwegs
replies-save = Textbaustein speichern

## The team's tools on a ticket (ticket_tools.html, ticket_top.html)

tools-replies = Textbausteine
tools-replies-none = Noch keine.
tools-replies-write = Schreiben Sie einen
tools-replies-why = , um häufige Fragen mit einem Schritt zu beantworten.
tools-reply-with = Antworten mit
tools-reply-choose = Textbaustein wählen
tools-reply-insert = In das Antwortfeld übernehmen
tools-replies-manage = Textbausteine verwalten
tools-kb = Wissensdatenbank
tools-edit-article = Artikel bearbeiten
tools-write-article = Einen Artikel für { $intent } schreiben
tools-add-example-label = Die Worte des Kunden als Beispiel hinzufügen zu
tools-choose-article = Artikel wählen
tools-add-example = Beispiel hinzufügen
tools-organize = Priorität und Schlagwörter
tools-priority = Priorität
tools-set-priority = Priorität setzen
tools-remove-tag = Schlagwort { $tag } entfernen
tools-add-tag-label = Schlagwort hinzufügen
tools-add-tag = Hinzufügen
tools-merge = Zusammenführen
tools-merge-label = Dieses Ticket zusammenführen mit Ticketnummer
tools-merge-button = Zusammenführen
tools-merge-note = Jede Nachricht wandert in das andere Ticket; dieses wird geschlossen.
tools-split = In ein neues Ticket abtrennen
tools-split-title = Eine andere Frage: diese Nachricht in ein eigenes Ticket verschieben
tools-merged-into-html = Zusammengeführt mit <a href="/tickets/{ $number }">Ticket #{ $number }</a>: Die Nachrichten sind jetzt dort, und Antworten auf dieses Ticket landen dort.
tools-previous-send-html = Ihre Antwort auf <a href="/tickets/{ $number }">#{ $number }</a> geht in { $seconds } s hinaus.
tools-undo = Rückgängig
priority-low = Niedrig
priority-normal = Normal
priority-high = Hoch
priority-urgent = Dringend

## Queue: tags, priority, bulk actions (queue.html)

queue-priority = Priorität
queue-tag = Schlagwort
bulk-label = Mit den markierten Tickets
bulk-choose = wählen
bulk-assign-to = Zuweisen an
bulk-nobody = niemand
bulk-set-status = Status setzen
bulk-add-tag = Schlagwort hinzufügen →
bulk-tag = Schlagwort
bulk-apply = Anwenden
bulk-select = #{ $number } auswählen
bulk-changed = { $count ->
    [one] { $count } Ticket geändert.
   *[other] { $count } Tickets geändert.
}
bulk-not-changed = Nicht geändert (die Änderung gilt für sie nicht):

## Account: flow

account-keys-flow = Tastatur und Ablauf
account-open-next = Nach dem Senden einer Antwort das nächste Ticket derselben Ansicht öffnen (die gesendete Nachricht lässt sich dort noch zurücknehmen)

## Notices of the team's tools

notice-sent-next = Gesendet. Dies ist das nächste Ticket Ihrer Ansicht; die gesendete Antwort lässt sich unten noch zurücknehmen, solange die Frist läuft.
notice-priority = Priorität geändert.
notice-tags = Schlagwörter geändert.
notice-merged = Zusammengeführt: Jede Nachricht ist jetzt im anderen Ticket, und dieses ist geschlossen.
notice-split = Die Nachricht ist jetzt ein eigenes Ticket, Ihnen zugewiesen.
notice-saved-reply-saved = Textbaustein gespeichert.
notice-saved-reply-deleted = Textbaustein gelöscht.
notice-bulk = Für die markierten Tickets erledigt; Tickets, für die die Änderung nicht galt, sind aufgeführt.
notice-kb-created = Artikel angelegt. Die Engine lernt im Hintergrund daraus.
notice-kb-saved = Neue Version gespeichert. Die Engine lernt im Hintergrund daraus.
notice-example-added = Die Worte des Kunden wurden als Beispiel des Artikels hinzugefügt; die Engine lernt im Hintergrund daraus.

## Customers' ratings on the supervisor page

sv-ratings = Kunden, denen die Antwort geholfen hat
sv-note-ratings = automatische Antworten { $auto } von { $auto_n } · Antworten von Menschen { $human } von { $human_n } (auf der Statusseite bewertet)

## One customer across channels (ticket page)

customer-identities = Schreibt auch von
customer-split = Abtrennen
customer-split-label = { $address } als eigenen Kunden abtrennen
customer-merge-label = Dieselbe Person wie der Kunde mit der Adresse
customer-merge = Kunden zusammenführen
notice-customer-merged = Kunden zusammengeführt: ein Verlauf, alle Adressen verknüpft.
notice-customer-split = Die Adresse ist wieder ein eigener Kunde, mit den Tickets, die sie eröffnet hat.
