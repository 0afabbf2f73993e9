# Customer-facing texts of Tandem: Українська.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Вітаємо, { $name }!
greeting-anonymous = Вітаємо!

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    З повагою,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Дякуємо за ваше повідомлення. Номер вашого звернення: #{ $number }.
    Співробітник нашої команди відповість вам особисто; очікуваний час відповіді: { $when }.

    Щоб щось додати, просто дайте відповідь на цей лист, залишивши [#{ $number }] у темі.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Дякуємо за ваше повідомлення. Номер вашого звернення: #{ $number }.
    Співробітник нашої команди відповість вам особисто; очікуваний час відповіді: { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Дізнатися стан звернення або доповнити його можна тут: { $link }

## The line under every automatic answer.
disclosure = Цю відповідь автоматично підготував наш помічник підтримки (звернення #{ $number }). Якщо вона не вирішує вашу проблему, дайте відповідь словом «{ human-word }», і справу візьме співробітник.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = людина
human-phrases = жива людина, живою людиною, з людиною, з оператором, оператора, з менеджером, з працівником

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = понеділок, вівторок, середа, четвер, пʼятниця, субота, неділя
months = січня, лютого, березня, квітня, травня, червня, липня, серпня, вересня, жовтня, листопада, грудня
when = { $weekday }, { $day } { $month }, { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Зв’язатися з нами
form-intro = Напишіть нам тут; ми відповідаємо електронною поштою.
form-name = Ваше ім’я
form-email = Ваша адреса електронної пошти
form-subject = Тема
form-message = Ваше повідомлення
form-honeypot = Залиште це поле порожнім
form-send = Надіслати
form-thanks-title = Дякуємо
form-thanks = Ваше повідомлення отримано, номер звернення #{ $number }. На вашу пошту надіслано підтвердження з посиланням, де можна стежити за зверненням і доповнити його.
form-thanks-plain = Ваше повідомлення отримано. На вашу пошту надіслано підтвердження з посиланням, де можна стежити за зверненням і доповнити його.
status-title = Звернення #{ $number }
status-working = Ним займається людина з нашої команди.
status-auto = Ми відповіли автоматично.
status-answered = Ми відповіли й чекаємо на вашу відповідь.
status-solved = Вирішено.
status-closed = Закрито.
status-received = Отримано.
status-expected = Ми плануємо відповісти до { $when }.
status-private = Не передавайте це посилання: воно відкриває звернення без пароля.
status-you = Ви
status-automatic = Автоматична відповідь
status-confirmation = Підтвердження
status-team = Наша команда
status-rate = Чи допомогла наша відповідь?
status-rate-yes = Так, допомогла
status-rate-no = Ні
status-rated = Дякуємо за оцінку. Її можна змінити.
status-add = Доповнити звернення
status-message = Ваше повідомлення
status-send = Надіслати
status-ask-person = Я хочу відповіді від людини
status-asked-person = Ви попросили людину: відповість хтось із нашої команди, тут більше нічого не відповідається автоматично.
status-done-message = Дякуємо: ваше повідомлення додано.
status-done-person = Відповість людина з нашої команди; тут більше нічого не буде відповідено автоматично.
status-done-rated = Дякуємо за оцінку.
