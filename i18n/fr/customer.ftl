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

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Merci pour votre message. Votre numéro de ticket est #{ $number }.
    Un membre de notre équipe vous répondra personnellement, probablement d'ici { $when }.

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


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Nous contacter
form-intro = Écrivez-nous ici ; nous répondons par e-mail.
form-name = Votre nom
form-email = Votre adresse e-mail
form-subject = Objet
form-message = Votre message
form-honeypot = Laissez ce champ vide
form-send = Envoyer
form-thanks-title = Merci
form-thanks = Nous avons votre message sous le ticket n° { $number }. Une confirmation arrive à votre adresse e-mail, avec un lien pour suivre votre demande et la compléter.
form-thanks-plain = Nous avons votre message. Une confirmation arrive à votre adresse e-mail, avec un lien pour suivre votre demande et la compléter.
status-title = Ticket n° { $number }
status-working = Une personne de notre équipe s’en occupe.
status-auto = Nous avons répondu automatiquement.
status-answered = Nous avons répondu ; nous attendons votre retour.
status-solved = Résolu.
status-closed = Clos.
status-received = Reçu.
status-expected = Nous prévoyons de répondre d’ici { $when }.
status-private = Gardez ce lien pour vous : il ouvre ce ticket sans mot de passe.
status-you = Vous
status-automatic = Réponse automatique
status-confirmation = Confirmation
status-team = Notre équipe
status-rate = Notre réponse vous a-t-elle aidé ?
status-rate-yes = Oui, elle m’a aidé
status-rate-no = Non
status-rated = Merci pour votre avis. Vous pouvez le modifier.
status-add = Compléter votre demande
status-message = Votre message
status-send = Envoyer
status-ask-person = Je veux la réponse d’une personne
status-asked-person = Vous avez demandé une personne : un membre de notre équipe répond, plus rien ici n’est répondu automatiquement.
status-done-message = Merci : votre message a été ajouté.
status-done-person = Une personne de notre équipe va répondre ; plus rien ici ne sera répondu automatiquement.
status-done-rated = Merci pour votre avis.
