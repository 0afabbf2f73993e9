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
