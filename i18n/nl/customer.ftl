# Customer-facing texts of Tandem: Nederlands.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Beste { $name },
greeting-anonymous = Beste klant,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Met vriendelijke groet,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Bedankt voor uw bericht. Uw ticketnummer is #{ $number }.
    Een medewerker van ons team antwoordt u persoonlijk; we verwachten te antwoorden vóór { $when }.

    Wilt u iets toevoegen? Beantwoord dan gewoon deze e-mail en laat [#{ $number }] in het onderwerp staan.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Bedankt voor uw bericht. Uw ticketnummer is #{ $number }.
    Een medewerker van ons team antwoordt u persoonlijk; we verwachten te antwoorden vóór { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Bekijk de stand van uw verzoek of vul het aan via: { $link }

## The line under every automatic answer.
disclosure = Dit antwoord is automatisch geschreven door onze supportassistent (ticket #{ $number }). Helpt het u niet, antwoord dan met het woord "{ human-word }" en een medewerker neemt het over.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = mens
human-phrases = echt mens, echte persoon, met een medewerker, met iemand spreken, een mens

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = maandag, dinsdag, woensdag, donderdag, vrijdag, zaterdag, zondag
months = januari, februari, maart, april, mei, juni, juli, augustus, september, oktober, november, december
when = { $weekday } { $day } { $month }, { $time } uur { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Contact
form-intro = Schrijf ons hier; we antwoorden per e-mail.
form-name = Uw naam
form-email = Uw e-mailadres
form-subject = Onderwerp
form-message = Uw bericht
form-honeypot = Laat dit veld leeg
form-send = Versturen
form-thanks-title = Bedankt
form-thanks = We hebben uw bericht als ticket #{ $number }. Er is een bevestiging onderweg naar uw e-mailadres, met een link om uw verzoek te volgen en aan te vullen.
form-thanks-plain = We hebben uw bericht. Er is een bevestiging onderweg naar uw e-mailadres, met een link om uw verzoek te volgen en aan te vullen.
status-title = Ticket #{ $number }
status-working = Een medewerker van ons team is ermee bezig.
status-auto = We hebben automatisch geantwoord.
status-answered = We hebben geantwoord en wachten op uw reactie.
status-solved = Opgelost.
status-closed = Gesloten.
status-received = Ontvangen.
status-expected = We verwachten te antwoorden vóór { $when }.
status-private = Houd deze link voor uzelf: hij opent dit ticket zonder wachtwoord.
status-you = U
status-automatic = Automatisch antwoord
status-confirmation = Bevestiging
status-team = Ons team
status-rate = Heeft ons antwoord geholpen?
status-rate-yes = Ja, het hielp
status-rate-no = Nee
status-rated = Bedankt voor uw beoordeling. U kunt die wijzigen.
status-add = Uw verzoek aanvullen
status-message = Uw bericht
status-send = Versturen
status-ask-person = Ik wil een antwoord van een mens
status-asked-person = U vroeg om een mens: iemand van ons team antwoordt, hier wordt niets meer automatisch beantwoord.
status-done-message = Bedankt: uw bericht is toegevoegd.
status-done-person = Een medewerker van ons team antwoordt; hier wordt niets meer automatisch beantwoord.
status-done-rated = Bedankt voor uw beoordeling.
