# Customer-facing texts of Tandem: العربية.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = مرحباً { $name }،
greeting-anonymous = مرحباً،

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    مع أطيب التحيات،
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    شكراً لرسالتك. رقم تذكرتك هو #{ $number }.
    سيرد عليك أحد أعضاء فريقنا شخصياً، ونتوقع الرد قبل { $when }.

    لإضافة أي شيء، ما عليك سوى الرد على هذه الرسالة مع إبقاء [#{ $number }] في الموضوع.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    شكراً لرسالتك. رقم تذكرتك هو #{ $number }.
    سيرد عليك أحد أعضاء فريقنا شخصياً، ونتوقع الرد قبل { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = تابع حالة طلبك أو أضف إليه من هنا: { $link }

## The line under every automatic answer.
disclosure = كُتبت هذه الإجابة تلقائياً بواسطة مساعد الدعم لدينا (التذكرة #{ $number }). إذا لم تحل مشكلتك، فأرسل كلمة "{ human-word }" وسيتولى أحد الموظفين الأمر.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = موظف
human-phrases = موظف, شخص حقيقي, التحدث مع شخص, التحدث مع إنسان, ممثل خدمة العملاء

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = الاثنين, الثلاثاء, الأربعاء, الخميس, الجمعة, السبت, الأحد
months = يناير, فبراير, مارس, أبريل, مايو, يونيو, يوليو, أغسطس, سبتمبر, أكتوبر, نوفمبر, ديسمبر
when = { $weekday } { $day } { $month }، الساعة { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = اتصل بنا
form-intro = اكتب لنا هنا؛ نرد عبر البريد الإلكتروني.
form-name = اسمك
form-email = بريدك الإلكتروني
form-subject = الموضوع
form-message = رسالتك
form-honeypot = اترك هذا الحقل فارغًا
form-send = إرسال
form-thanks-title = شكرًا لك
form-thanks = وصلتنا رسالتك برقم التذكرة #{ $number }. تأكيد في طريقه إلى بريدك الإلكتروني مع رابط لمتابعة طلبك والإضافة إليه.
form-thanks-plain = وصلتنا رسالتك. تأكيد في طريقه إلى بريدك الإلكتروني مع رابط لمتابعة طلبك والإضافة إليه.
status-title = التذكرة #{ $number }
status-working = يعمل عليها شخص من فريقنا.
status-auto = أجبنا عليها تلقائيًا.
status-answered = أجبنا؛ وننتظر ردك.
status-solved = تم الحل.
status-closed = مغلقة.
status-received = تم الاستلام.
status-expected = نتوقع الرد قبل { $when }.
status-private = احتفظ بهذا الرابط لنفسك: فهو يفتح التذكرة دون كلمة مرور.
status-you = أنت
status-automatic = رد تلقائي
status-confirmation = تأكيد
status-team = فريقنا
status-rate = هل ساعدك ردنا؟
status-rate-yes = نعم، ساعدني
status-rate-no = لا
status-rated = شكرًا على تقييمك. يمكنك تغييره.
status-add = أضف إلى طلبك
status-message = رسالتك
status-send = إرسال
status-ask-person = أريد ردًا من شخص
status-asked-person = طلبت التحدث إلى شخص: سيرد أحد أعضاء فريقنا، ولن يُرد هنا تلقائيًا بعد الآن.
status-done-message = شكرًا: أضيفت رسالتك.
status-done-person = سيرد شخص من فريقنا؛ لن يُرد هنا تلقائيًا بعد الآن.
status-done-rated = شكرًا على تقييمك.
