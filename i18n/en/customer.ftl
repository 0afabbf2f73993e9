# Customer-facing texts of Tandem: English.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Hello { $name },
greeting-anonymous = Hello,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Kind regards,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Thank you for your message. Your ticket number is #{ $number }.
    A member of our team will reply to you personally; we expect to answer by { $when }.

    To add anything, just reply to this email and keep [#{ $number }] in the subject.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Thank you for your message. Your ticket number is #{ $number }.
    A member of our team will reply to you personally; we expect to answer by { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = See where your request stands, or add to it, here: { $link }

## The line under every automatic answer.
disclosure = This answer was written automatically by our support assistant (ticket #{ $number }). If it does not solve your problem, reply with the word "{ human-word }" and a person will take over.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = human
human-phrases = real person, a human, human agent, live agent, speak to someone, talk to someone

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday
months = January, February, March, April, May, June, July, August, September, October, November, December
when = { $weekday } { $day } { $month }, { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Contact us
form-intro = Write to us here; we answer by e-mail.
form-name = Your name
form-email = Your e-mail address
form-subject = Subject
form-message = Your message
form-honeypot = Leave this empty
form-send = Send
form-thanks-title = Thank you
form-thanks = We have your message as ticket #{ $number }. A confirmation is on its way to your e-mail address, with a link where you can follow your request and add to it.
form-thanks-plain = We have your message. A confirmation is on its way to your e-mail address, with a link where you can follow your request and add to it.
status-title = Ticket #{ $number }
status-working = A person from our team is working on it.
status-auto = We answered it automatically.
status-answered = We answered; we are waiting to hear from you.
status-solved = Solved.
status-closed = Closed.
status-received = Received.
status-expected = We expect to answer by { $when }.
status-private = Keep this link private: it opens this ticket without a password.
status-you = You
status-automatic = Automatic answer
status-confirmation = Confirmation
status-team = Our team
status-rate = Did our answer help?
status-rate-yes = Yes, it helped
status-rate-no = No
status-rated = Thank you for your rating. You can change it.
status-add = Add to your request
status-message = Your message
status-send = Send
status-ask-person = I want a person to answer
status-asked-person = You asked for a person: one of our team answers, nothing here is answered automatically.
status-done-message = Thank you: your message was added.
status-done-person = A person from our team will answer; nothing here will be answered automatically any more.
status-done-rated = Thank you for your rating.
