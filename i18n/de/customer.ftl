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
