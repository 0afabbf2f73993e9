# Customer-facing texts of Tandem: 中文.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = { $name }，您好：
greeting-anonymous = 您好：

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    此致
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    感谢您的来信。您的工单号是 #{ $number }。
    我们团队的成员将亲自回复您，预计在 { $when } 之前答复。

    如需补充信息，请直接回复此邮件，并在主题中保留 [#{ $number }]。

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    感谢您的来信。您的工单号是 #{ $number }。
    我们团队的成员将亲自回复您，预计在 { $when } 之前答复。

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = 在此查看您的请求进展或补充内容：{ $link }

## The line under every automatic answer.
disclosure = 此回复由我们的客服助手自动生成（工单 #{ $number }）。如果未能解决您的问题，请回复“{ human-word }”，我们将由专人处理。

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = 人工
human-phrases = 人工客服, 人工服务, 转人工, 真人, 客服人员

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = 星期一, 星期二, 星期三, 星期四, 星期五, 星期六, 星期日
months = 1月, 2月, 3月, 4月, 5月, 6月, 7月, 8月, 9月, 10月, 11月, 12月
when = { $month }{ $day }日（{ $weekday }）{ $time }（{ $zone }）


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = 联系我们
form-intro = 请在此给我们留言，我们会通过电子邮件回复。
form-name = 您的姓名
form-email = 您的电子邮件地址
form-subject = 主题
form-message = 您的留言
form-honeypot = 请将此栏留空
form-send = 发送
form-thanks-title = 谢谢
form-thanks = 我们已收到您的留言，工单号为 #{ $number }。确认邮件正在发往您的邮箱，其中的链接可用于查看进展和补充内容。
form-thanks-plain = 我们已收到您的留言。确认邮件正在发往您的邮箱，其中的链接可用于查看进展和补充内容。
status-title = 工单 #{ $number }
status-working = 我们团队的工作人员正在处理。
status-auto = 我们已自动回复。
status-answered = 我们已回复，正在等待您的消息。
status-solved = 已解决。
status-closed = 已关闭。
status-received = 已收到。
status-expected = 我们预计在 { $when } 之前回复。
status-private = 请勿分享此链接：无需密码即可打开此工单。
status-you = 您
status-automatic = 自动回复
status-confirmation = 确认
status-team = 我们的团队
status-rate = 我们的回复对您有帮助吗？
status-rate-yes = 是的，有帮助
status-rate-no = 没有
status-rated = 感谢您的评价，您可以修改。
status-add = 补充您的请求
status-message = 您的留言
status-send = 发送
status-ask-person = 我希望由人工回复
status-asked-person = 您已要求人工处理：我们团队会有人回复，此处不再自动回复。
status-done-message = 谢谢：您的留言已添加。
status-done-person = 我们团队的工作人员将回复；此处不再自动回复。
status-done-rated = 感谢您的评价。
