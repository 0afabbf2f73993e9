# Customer-facing texts of Tandem: Deutsch.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Guten Tag { $name },
greeting-anonymous = Guten Tag,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Mit freundlichen Grüßen
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    vielen Dank für Ihre Nachricht. Ihre Ticketnummer ist #{ $number }.
    Eine Mitarbeiterin oder ein Mitarbeiter wird Ihnen persönlich antworten, voraussichtlich bis { $when }.

    Wenn Sie etwas ergänzen möchten, antworten Sie einfach auf diese E-Mail und lassen Sie [#{ $number }] im Betreff stehen.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    vielen Dank für Ihre Nachricht. Ihre Ticketnummer ist #{ $number }.
    Eine Mitarbeiterin oder ein Mitarbeiter wird Ihnen persönlich antworten, voraussichtlich bis { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Hier sehen Sie den Stand Ihrer Anfrage und können sie ergänzen: { $link }

## The line under every automatic answer.
disclosure = Diese Antwort wurde automatisch von unserem Support-Assistenten erstellt (Ticket #{ $number }). Wenn sie Ihnen nicht hilft, antworten Sie mit dem Wort "{ human-word }" (oder "human"), und eine Person übernimmt.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = Mensch
human-phrases = echter Mensch, echten Menschen, Mitarbeiter sprechen, Mitarbeiterin sprechen

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = Montag, Dienstag, Mittwoch, Donnerstag, Freitag, Samstag, Sonntag
months = Januar, Februar, März, April, Mai, Juni, Juli, August, September, Oktober, November, Dezember
when = { $weekday }, { $day }. { $month }, { $time } Uhr { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Kontakt
form-intro = Schreiben Sie uns hier; wir antworten per E-Mail.
form-name = Ihr Name
form-email = Ihre E-Mail-Adresse
form-subject = Betreff
form-message = Ihre Nachricht
form-honeypot = Dieses Feld leer lassen
form-send = Senden
form-thanks-title = Vielen Dank
form-thanks = Ihre Nachricht ist als Ticket #{ $number } bei uns. Eine Bestätigung ist unterwegs an Ihre E-Mail-Adresse, mit einem Link, unter dem Sie Ihre Anfrage verfolgen und ergänzen können.
form-thanks-plain = Ihre Nachricht ist bei uns. Eine Bestätigung ist unterwegs an Ihre E-Mail-Adresse, mit einem Link, unter dem Sie Ihre Anfrage verfolgen und ergänzen können.
status-title = Ticket #{ $number }
status-working = Ein Mensch aus unserem Team kümmert sich darum.
status-auto = Wir haben automatisch geantwortet.
status-answered = Wir haben geantwortet und warten auf Ihre Rückmeldung.
status-solved = Gelöst.
status-closed = Geschlossen.
status-received = Eingegangen.
status-expected = Wir rechnen mit einer Antwort bis { $when }.
status-private = Behalten Sie diesen Link für sich: Er öffnet dieses Ticket ohne Passwort.
status-you = Sie
status-automatic = Automatische Antwort
status-confirmation = Bestätigung
status-team = Unser Team
status-rate = Hat unsere Antwort geholfen?
status-rate-yes = Ja, sie hat geholfen
status-rate-no = Nein
status-rated = Danke für Ihre Bewertung. Sie können sie ändern.
status-add = Ihre Anfrage ergänzen
status-message = Ihre Nachricht
status-send = Senden
status-ask-person = Ich möchte eine Antwort von einem Menschen
status-asked-person = Sie haben um einen Menschen gebeten: Jemand aus unserem Team antwortet, hier wird nichts mehr automatisch beantwortet.
status-done-message = Danke: Ihre Nachricht wurde hinzugefügt.
status-done-person = Ein Mensch aus unserem Team antwortet; hier wird nichts mehr automatisch beantwortet.
status-done-rated = Danke für Ihre Bewertung.
