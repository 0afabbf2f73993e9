# Customer-facing texts of Tandem: Čeština.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Dobrý den, { $name },
greeting-anonymous = Dobrý den,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    S pozdravem
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Děkujeme za Vaši zprávu. Číslo Vašeho požadavku je #{ $number }.
    Odpoví Vám osobně někdo z našeho týmu; předpokládaný čas odpovědi: { $when }.

    Chcete-li něco doplnit, odpovězte na tento e-mail a ponechte [#{ $number }] v předmětu.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Děkujeme za Vaši zprávu. Číslo Vašeho požadavku je #{ $number }.
    Odpoví Vám osobně někdo z našeho týmu; předpokládaný čas odpovědi: { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Stav svého požadavku uvidíte a doplnit ho můžete zde: { $link }

## The line under every automatic answer.
disclosure = Tuto odpověď napsal automaticky náš asistent podpory (požadavek #{ $number }). Pokud Váš problém neřeší, odpovězte slovem „{ human-word }“ a převezme to člověk.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = člověk
human-phrases = s člověkem, s operátorem, skutečná osoba, živý člověk, s pracovníkem

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = pondělí, úterý, středa, čtvrtek, pátek, sobota, neděle
months = ledna, února, března, dubna, května, června, července, srpna, září, října, listopadu, prosince
when = { $weekday } { $day }. { $month }, { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Kontaktujte nás
form-intro = Napište nám zde; odpovídáme e-mailem.
form-name = Vaše jméno
form-email = Váš e-mail
form-subject = Předmět
form-message = Vaše zpráva
form-honeypot = Toto pole nechte prázdné
form-send = Odeslat
form-thanks-title = Děkujeme
form-thanks = Vaši zprávu máme jako požadavek č. { $number }. Na váš e-mail míří potvrzení s odkazem, kde požadavek sledujete a doplníte.
form-thanks-plain = Vaši zprávu máme. Na váš e-mail míří potvrzení s odkazem, kde požadavek sledujete a doplníte.
status-title = Požadavek č. { $number }
status-working = Pracuje na tom člověk z našeho týmu.
status-auto = Odpověděli jsme automaticky.
status-answered = Odpověděli jsme; čekáme na vaši reakci.
status-solved = Vyřešeno.
status-closed = Uzavřeno.
status-received = Přijato.
status-expected = Odpověď očekáváme do { $when }.
status-private = Odkaz si nechte pro sebe: otevírá požadavek bez hesla.
status-you = Vy
status-automatic = Automatická odpověď
status-confirmation = Potvrzení
status-team = Náš tým
status-rate = Pomohla vám naše odpověď?
status-rate-yes = Ano, pomohla
status-rate-no = Ne
status-rated = Děkujeme za hodnocení. Můžete ho změnit.
status-add = Doplnit požadavek
status-message = Vaše zpráva
status-send = Odeslat
status-ask-person = Chci odpověď od člověka
status-asked-person = Požádali jste o člověka: odpoví někdo z našeho týmu, nic zde už není zodpovězeno automaticky.
status-done-message = Děkujeme: vaše zpráva byla přidána.
status-done-person = Odpoví člověk z našeho týmu; nic zde už nebude zodpovězeno automaticky.
status-done-rated = Děkujeme za hodnocení.
