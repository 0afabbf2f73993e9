# Customer-facing texts of Tandem: हिन्दी.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = नमस्ते { $name },
greeting-anonymous = नमस्ते,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    सादर,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    आपके संदेश के लिए धन्यवाद। आपका टिकट नंबर #{ $number } है।
    हमारी टीम का कोई सदस्य आपको व्यक्तिगत रूप से जवाब देगा; हमें उम्मीद है कि हम { $when } तक जवाब दे देंगे।

    कुछ और जोड़ने के लिए, बस इस ईमेल का जवाब दें और विषय में [#{ $number }] रहने दें।


## Under the acknowledgement: the link to the customer's status page ($link).
status-link = अपने अनुरोध की स्थिति देखें या उसमें कुछ जोड़ें: { $link }

## The line under every automatic answer.
disclosure = यह जवाब हमारे सहायता सहायक ने स्वचालित रूप से लिखा है (टिकट #{ $number })। अगर इससे आपकी समस्या हल नहीं होती, तो "{ human-word }" शब्द लिखकर जवाब दें और कोई व्यक्ति मामला संभालेगा।

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = इंसान
human-phrases = इंसान से बात, किसी व्यक्ति से बात, असली व्यक्ति, एजेंट से बात, कर्मचारी से बात

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = सोमवार, मंगलवार, बुधवार, गुरुवार, शुक्रवार, शनिवार, रविवार
months = जनवरी, फ़रवरी, मार्च, अप्रैल, मई, जून, जुलाई, अगस्त, सितंबर, अक्टूबर, नवंबर, दिसंबर
when = { $weekday }, { $day } { $month }, { $time } { $zone }
