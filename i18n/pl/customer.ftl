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

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Dziękujemy za wiadomość. Numer Twojego zgłoszenia to #{ $number }.
    Odpowie Ci osobiście ktoś z naszego zespołu; przewidywany termin odpowiedzi: { $when }.

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


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Kontakt
form-intro = Napisz do nas tutaj; odpowiadamy e-mailem.
form-name = Imię i nazwisko
form-email = Adres e-mail
form-subject = Temat
form-message = Wiadomość
form-honeypot = Zostaw to pole puste
form-send = Wyślij
form-thanks-title = Dziękujemy
form-thanks = Mamy Twoją wiadomość jako zgłoszenie nr { $number }. Potwierdzenie jest w drodze na Twój adres e-mail, z linkiem do śledzenia i uzupełniania zgłoszenia.
form-thanks-plain = Mamy Twoją wiadomość. Potwierdzenie jest w drodze na Twój adres e-mail, z linkiem do śledzenia i uzupełniania zgłoszenia.
status-title = Zgłoszenie nr { $number }
status-working = Zajmuje się tym osoba z naszego zespołu.
status-auto = Odpowiedzieliśmy automatycznie.
status-answered = Odpowiedzieliśmy; czekamy na Twoją odpowiedź.
status-solved = Rozwiązane.
status-closed = Zamknięte.
status-received = Otrzymane.
status-expected = Spodziewamy się odpowiedzieć do { $when }.
status-private = Zachowaj ten link dla siebie: otwiera zgłoszenie bez hasła.
status-you = Ty
status-automatic = Odpowiedź automatyczna
status-confirmation = Potwierdzenie
status-team = Nasz zespół
status-rate = Czy nasza odpowiedź pomogła?
status-rate-yes = Tak, pomogła
status-rate-no = Nie
status-rated = Dziękujemy za ocenę. Możesz ją zmienić.
status-add = Uzupełnij zgłoszenie
status-message = Twoja wiadomość
status-send = Wyślij
status-ask-person = Chcę odpowiedzi od człowieka
status-asked-person = Poprosiłeś o człowieka: odpowie ktoś z naszego zespołu, tutaj nic nie jest już odpowiadane automatycznie.
status-done-message = Dziękujemy: wiadomość została dodana.
status-done-person = Odpowie osoba z naszego zespołu; tutaj nic nie będzie już odpowiadane automatycznie.
status-done-rated = Dziękujemy za ocenę.
