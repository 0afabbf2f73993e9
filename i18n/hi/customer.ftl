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

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    आपके संदेश के लिए धन्यवाद। आपका टिकट नंबर #{ $number } है।
    हमारी टीम का कोई सदस्य आपको व्यक्तिगत रूप से जवाब देगा; हमें उम्मीद है कि हम { $when } तक जवाब दे देंगे।

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


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = हमसे संपर्क करें
form-intro = हमें यहाँ लिखें; हम ईमेल से जवाब देते हैं।
form-name = आपका नाम
form-email = आपका ईमेल पता
form-subject = विषय
form-message = आपका संदेश
form-honeypot = इस फ़ील्ड को खाली छोड़ें
form-send = भेजें
form-thanks-title = धन्यवाद
form-thanks = आपका संदेश टिकट #{ $number } के रूप में हमें मिल गया है। आपके ईमेल पर एक पुष्टि आ रही है, जिसमें अनुरोध देखने और जोड़ने का लिंक है।
form-thanks-plain = आपका संदेश हमें मिल गया है। आपके ईमेल पर एक पुष्टि आ रही है, जिसमें अनुरोध देखने और जोड़ने का लिंक है।
status-title = टिकट #{ $number }
status-working = हमारी टीम का एक व्यक्ति इस पर काम कर रहा है।
status-auto = हमने स्वचालित रूप से जवाब दिया।
status-answered = हमने जवाब दिया है; आपके उत्तर की प्रतीक्षा है।
status-solved = हल हो गया।
status-closed = बंद।
status-received = प्राप्त हुआ।
status-expected = हम { $when } तक जवाब देने की उम्मीद करते हैं।
status-private = यह लिंक निजी रखें: यह बिना पासवर्ड के टिकट खोलता है।
status-you = आप
status-automatic = स्वचालित जवाब
status-confirmation = पुष्टि
status-team = हमारी टीम
status-rate = क्या हमारे जवाब से मदद मिली?
status-rate-yes = हाँ, मदद मिली
status-rate-no = नहीं
status-rated = रेटिंग के लिए धन्यवाद। आप इसे बदल सकते हैं।
status-add = अपने अनुरोध में जोड़ें
status-message = आपका संदेश
status-send = भेजें
status-ask-person = मैं चाहता हूँ कि कोई व्यक्ति जवाब दे
status-asked-person = आपने व्यक्ति माँगा है: हमारी टीम का कोई जवाब देगा, यहाँ अब कुछ भी स्वचालित रूप से नहीं दिया जाएगा।
status-done-message = धन्यवाद: आपका संदेश जोड़ दिया गया।
status-done-person = हमारी टीम का एक व्यक्ति जवाब देगा; यहाँ अब कुछ भी स्वचालित रूप से नहीं दिया जाएगा।
status-done-rated = रेटिंग के लिए धन्यवाद।
