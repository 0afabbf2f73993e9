# Customer-facing texts of Tandem: Dansk.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Hej { $name },
greeting-anonymous = Hej,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Venlig hilsen
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Tak for din besked. Dit sagsnummer er #{ $number }.
    En medarbejder fra vores team svarer dig personligt; vi forventer at svare senest { $when }.

    Hvis du vil tilføje noget, så svar blot på denne e-mail og behold [#{ $number }] i emnefeltet.


## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Se, hvor din henvendelse står, eller tilføj noget her: { $link }

## The line under every automatic answer.
disclosure = Dette svar er skrevet automatisk af vores supportassistent (sag #{ $number }). Hvis det ikke løser dit problem, så svar med ordet "{ human-word }", og en medarbejder tager over.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = menneske
human-phrases = rigtigt menneske, rigtig person, tale med en medarbejder, tale med nogen, et menneske

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = mandag, tirsdag, onsdag, torsdag, fredag, lørdag, søndag
months = januar, februar, marts, april, maj, juni, juli, august, september, oktober, november, december
when = { $weekday } den { $day }. { $month } kl. { $time } { $zone }
