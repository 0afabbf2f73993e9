# Customer-facing texts of Tandem: Italiano.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Buongiorno { $name },
greeting-anonymous = Buongiorno,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Cordiali saluti,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Grazie per il suo messaggio. Il numero del suo ticket è #{ $number }.
    Una persona del nostro team le risponderà personalmente; prevediamo di rispondere entro { $when }.

    Per aggiungere qualcosa, risponda a questa e-mail mantenendo [#{ $number }] nell'oggetto.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Grazie per il suo messaggio. Il numero del suo ticket è #{ $number }.
    Una persona del nostro team le risponderà personalmente; prevediamo di rispondere entro { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Veda lo stato della sua richiesta o aggiunga qualcosa qui: { $link }

## The line under every automatic answer.
disclosure = Questa risposta è stata scritta automaticamente dal nostro assistente (ticket #{ $number }). Se non risolve il suo problema, risponda con la parola "{ human-word }" e una persona prenderà in carico la richiesta.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = umano
human-phrases = operatore umano, persona reale, parlare con un operatore, parlare con qualcuno, un umano

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = lunedì, martedì, mercoledì, giovedì, venerdì, sabato, domenica
months = gennaio, febbraio, marzo, aprile, maggio, giugno, luglio, agosto, settembre, ottobre, novembre, dicembre
when = { $weekday } { $day } { $month } alle { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Contattaci
form-intro = Scrivici qui; rispondiamo via e-mail.
form-name = Il suo nome
form-email = Il suo indirizzo e-mail
form-subject = Oggetto
form-message = Il suo messaggio
form-honeypot = Lasci vuoto questo campo
form-send = Invia
form-thanks-title = Grazie
form-thanks = Abbiamo il suo messaggio come ticket n. { $number }. Una conferma è in arrivo al suo indirizzo e-mail, con un link per seguire la richiesta e aggiungere qualcosa.
form-thanks-plain = Abbiamo il suo messaggio. Una conferma è in arrivo al suo indirizzo e-mail, con un link per seguire la richiesta e aggiungere qualcosa.
status-title = Ticket n. { $number }
status-working = Una persona del nostro team se ne sta occupando.
status-auto = Abbiamo risposto automaticamente.
status-answered = Abbiamo risposto; attendiamo un suo riscontro.
status-solved = Risolto.
status-closed = Chiuso.
status-received = Ricevuto.
status-expected = Prevediamo di rispondere entro { $when }.
status-private = Tenga privato questo link: apre il ticket senza password.
status-you = Lei
status-automatic = Risposta automatica
status-confirmation = Conferma
status-team = Il nostro team
status-rate = La nostra risposta l’ha aiutata?
status-rate-yes = Sì, mi ha aiutato
status-rate-no = No
status-rated = Grazie per la valutazione. Può modificarla.
status-add = Aggiungi alla richiesta
status-message = Il suo messaggio
status-send = Invia
status-ask-person = Voglio la risposta di una persona
status-asked-person = Ha chiesto una persona: risponde qualcuno del nostro team, qui non si risponde più automaticamente.
status-done-message = Grazie: il suo messaggio è stato aggiunto.
status-done-person = Risponderà una persona del nostro team; qui non si risponderà più automaticamente.
status-done-rated = Grazie per la valutazione.
