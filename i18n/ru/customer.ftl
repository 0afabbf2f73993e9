# Customer-facing texts of Tandem: Русский.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Здравствуйте, { $name }!
greeting-anonymous = Здравствуйте!

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    С уважением,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Спасибо за ваше сообщение. Номер вашего обращения: #{ $number }.
    Сотрудник нашей команды ответит вам лично; ожидаемое время ответа: { $when }.

    Чтобы что-то добавить, просто ответьте на это письмо, сохранив [#{ $number }] в теме.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Спасибо за ваше сообщение. Номер вашего обращения: #{ $number }.
    Сотрудник нашей команды ответит вам лично; ожидаемое время ответа: { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Узнать статус обращения или дополнить его можно здесь: { $link }

## The line under every automatic answer.
disclosure = Этот ответ автоматически подготовил наш помощник поддержки (обращение #{ $number }). Если он не решает вашу проблему, ответьте словом «{ human-word }», и к делу подключится сотрудник.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = человек
human-phrases = живой человек, живым человеком, с человеком, с оператором, оператора, с менеджером, с сотрудником

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = понедельник, вторник, среда, четверг, пятница, суббота, воскресенье
months = января, февраля, марта, апреля, мая, июня, июля, августа, сентября, октября, ноября, декабря
when = { $weekday }, { $day } { $month }, { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Связаться с нами
form-intro = Напишите нам здесь; мы отвечаем по электронной почте.
form-name = Ваше имя
form-email = Ваш адрес электронной почты
form-subject = Тема
form-message = Ваше сообщение
form-honeypot = Оставьте это поле пустым
form-send = Отправить
form-thanks-title = Спасибо
form-thanks = Ваше сообщение получено, номер обращения #{ $number }. На вашу почту отправлено подтверждение со ссылкой, где можно следить за обращением и дополнить его.
form-thanks-plain = Ваше сообщение получено. На вашу почту отправлено подтверждение со ссылкой, где можно следить за обращением и дополнить его.
status-title = Обращение #{ $number }
status-working = Им занимается сотрудник нашей команды.
status-auto = Мы ответили автоматически.
status-answered = Мы ответили и ждём вашего ответа.
status-solved = Решено.
status-closed = Закрыто.
status-received = Получено.
status-expected = Мы планируем ответить до { $when }.
status-private = Не передавайте эту ссылку: она открывает обращение без пароля.
status-you = Вы
status-automatic = Автоматический ответ
status-confirmation = Подтверждение
status-team = Наша команда
status-rate = Помог ли наш ответ?
status-rate-yes = Да, помог
status-rate-no = Нет
status-rated = Спасибо за оценку. Её можно изменить.
status-add = Дополнить обращение
status-message = Ваше сообщение
status-send = Отправить
status-ask-person = Я хочу ответа от человека
status-asked-person = Вы попросили человека: ответит сотрудник нашей команды, здесь больше ничего не отвечается автоматически.
status-done-message = Спасибо: ваше сообщение добавлено.
status-done-person = Ответит сотрудник нашей команды; здесь больше ничего не будет отвечено автоматически.
status-done-rated = Спасибо за оценку.
