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

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Tak for din besked. Dit sagsnummer er #{ $number }.
    En medarbejder fra vores team svarer dig personligt; vi forventer at svare senest { $when }.

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


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Kontakt os
form-intro = Skriv til os her; vi svarer på e-mail.
form-name = Dit navn
form-email = Din e-mailadresse
form-subject = Emne
form-message = Din besked
form-honeypot = Lad dette felt stå tomt
form-send = Send
form-thanks-title = Tak
form-thanks = Vi har din besked som sag #{ $number }. En bekræftelse er på vej til din e-mail med et link, hvor du kan følge sagen og tilføje noget.
form-thanks-plain = Vi har din besked. En bekræftelse er på vej til din e-mail med et link, hvor du kan følge sagen og tilføje noget.
status-title = Sag #{ $number }
status-working = En person fra vores team arbejder på det.
status-auto = Vi svarede automatisk.
status-answered = Vi har svaret og venter på at høre fra dig.
status-solved = Løst.
status-closed = Lukket.
status-received = Modtaget.
status-expected = Vi regner med at svare senest { $when }.
status-private = Hold linket for dig selv: det åbner sagen uden adgangskode.
status-you = Dig
status-automatic = Automatisk svar
status-confirmation = Bekræftelse
status-team = Vores team
status-rate = Hjalp vores svar?
status-rate-yes = Ja, det hjalp
status-rate-no = Nej
status-rated = Tak for din vurdering. Du kan ændre den.
status-add = Tilføj til din sag
status-message = Din besked
status-send = Send
status-ask-person = Jeg vil have svar fra en person
status-asked-person = Du bad om en person: en fra vores team svarer, intet her besvares automatisk længere.
status-done-message = Tak: din besked er tilføjet.
status-done-person = En person fra vores team svarer; intet her besvares automatisk længere.
status-done-rated = Tak for din vurdering.
