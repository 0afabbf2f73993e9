# Customer-facing texts of Tandem: Français.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Bonjour { $name },
greeting-anonymous = Bonjour,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Cordialement,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Merci pour votre message. Votre numéro de ticket est #{ $number }.
    Un membre de notre équipe vous répondra personnellement, probablement d'ici { $when }.

    Pour ajouter une information, répondez simplement à cet e-mail en gardant [#{ $number }] dans l'objet.


## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Suivez l’état de votre demande ou complétez-la ici : { $link }

## The line under every automatic answer.
disclosure = Cette réponse a été rédigée automatiquement par notre assistant (ticket #{ $number }). Si elle ne résout pas votre problème, répondez avec le mot « { human-word } » (ou "human") et une personne prendra le relais.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = humain
human-phrases = un humain, vraie personne, parler à quelqu'un, un conseiller

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche
months = janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre
when = { $weekday } { $day } { $month } à { $time } { $zone }
