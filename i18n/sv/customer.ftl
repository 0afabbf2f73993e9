# Customer-facing texts of Tandem: Svenska.
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
    Vänliga hälsningar
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Tack för ditt meddelande. Ditt ärendenummer är #{ $number }.
    Någon i vårt team svarar dig personligen; vi räknar med att svara senast { $when }.

    Om du vill lägga till något svarar du bara på det här mejlet och behåller [#{ $number }] i ämnesraden.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Tack för ditt meddelande. Ditt ärendenummer är #{ $number }.
    Någon i vårt team svarar dig personligen; vi räknar med att svara senast { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Se hur ditt ärende går eller lägg till något här: { $link }

## The line under every automatic answer.
disclosure = Det här svaret skrevs automatiskt av vår supportassistent (ärende #{ $number }). Om det inte löser ditt problem, svara med ordet "{ human-word }" så tar en person över.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = människa
human-phrases = riktig människa, riktig person, prata med någon, en handläggare, en människa

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = måndag, tisdag, onsdag, torsdag, fredag, lördag, söndag
months = januari, februari, mars, april, maj, juni, juli, augusti, september, oktober, november, december
when = { $weekday } { $day } { $month } kl. { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Kontakta oss
form-intro = Skriv till oss här; vi svarar via e-post.
form-name = Ditt namn
form-email = Din e-postadress
form-subject = Ämne
form-message = Ditt meddelande
form-honeypot = Lämna detta fält tomt
form-send = Skicka
form-thanks-title = Tack
form-thanks = Vi har ditt meddelande som ärende #{ $number }. En bekräftelse är på väg till din e-post, med en länk där du kan följa ärendet och lägga till något.
form-thanks-plain = Vi har ditt meddelande. En bekräftelse är på väg till din e-post, med en länk där du kan följa ärendet och lägga till något.
status-title = Ärende #{ $number }
status-working = En person i vårt team arbetar med det.
status-auto = Vi svarade automatiskt.
status-answered = Vi har svarat och väntar på att höra från dig.
status-solved = Löst.
status-closed = Stängt.
status-received = Mottaget.
status-expected = Vi räknar med att svara senast { $when }.
status-private = Håll länken för dig själv: den öppnar ärendet utan lösenord.
status-you = Du
status-automatic = Automatiskt svar
status-confirmation = Bekräftelse
status-team = Vårt team
status-rate = Hjälpte vårt svar?
status-rate-yes = Ja, det hjälpte
status-rate-no = Nej
status-rated = Tack för ditt betyg. Du kan ändra det.
status-add = Lägg till i ditt ärende
status-message = Ditt meddelande
status-send = Skicka
status-ask-person = Jag vill ha svar från en person
status-asked-person = Du bad om en person: någon i vårt team svarar, inget här besvaras automatiskt längre.
status-done-message = Tack: ditt meddelande har lagts till.
status-done-person = En person i vårt team svarar; inget här besvaras automatiskt längre.
status-done-rated = Tack för ditt betyg.
