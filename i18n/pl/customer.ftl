# Customer-facing texts of Tandem: Polski.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Dzień dobry { $name },
greeting-anonymous = Dzień dobry,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Z poważaniem
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Dziękujemy za wiadomość. Numer Twojego zgłoszenia to #{ $number }.
    Odpowie Ci osobiście ktoś z naszego zespołu; przewidywany termin odpowiedzi: { $when }.

    Aby coś dodać, odpowiedz na tę wiadomość, zostawiając [#{ $number }] w temacie.


## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Stan zgłoszenia sprawdzisz i uzupełnisz je tutaj: { $link }

## The line under every automatic answer.
disclosure = Ta odpowiedź została napisana automatycznie przez naszego asystenta (zgłoszenie #{ $number }). Jeśli nie rozwiązuje problemu, odpisz słowem „{ human-word }”, a sprawę przejmie pracownik.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = człowiek
human-phrases = z człowiekiem, z konsultantem, z konsultantką, prawdziwa osoba, żywy człowiek, z pracownikiem

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = poniedziałek, wtorek, środa, czwartek, piątek, sobota, niedziela
months = stycznia, lutego, marca, kwietnia, maja, czerwca, lipca, sierpnia, września, października, listopada, grudnia
when = { $weekday }, { $day } { $month }, godz. { $time } { $zone }
