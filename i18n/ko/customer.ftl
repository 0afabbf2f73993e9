# Customer-facing texts of Tandem: 한국어.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = { $name }님, 안녕하세요.
greeting-anonymous = 안녕하세요.

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    감사합니다.
    { $team } 드림

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    문의해 주셔서 감사합니다. 티켓 번호는 #{ $number }입니다.
    담당 직원이 직접 답변드릴 예정이며, { $when }까지 답변드릴 것으로 예상합니다.

    내용을 추가하시려면 제목의 [#{ $number }]를 그대로 두고 이 메일에 회신해 주세요.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    문의해 주셔서 감사합니다. 티켓 번호는 #{ $number }입니다.
    담당 직원이 직접 답변드릴 예정이며, { $when }까지 답변드릴 것으로 예상합니다.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = 요청 상태 확인과 내용 추가는 여기에서 하실 수 있습니다: { $link }

## The line under every automatic answer.
disclosure = 이 답변은 고객지원 도우미가 자동으로 작성했습니다(티켓 #{ $number }). 문제가 해결되지 않으면 "{ human-word }"이라고 회신해 주세요. 담당 직원이 이어서 도와드리겠습니다.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = 상담원
human-phrases = 상담원, 상담사, 사람과 통화, 사람이랑 얘기, 직원과 이야기

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = 월요일, 화요일, 수요일, 목요일, 금요일, 토요일, 일요일
months = 1월, 2월, 3월, 4월, 5월, 6월, 7월, 8월, 9월, 10월, 11월, 12월
when = { $month } { $day }일 ({ $weekday }) { $time } ({ $zone })


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = 문의하기
form-intro = 여기에 남겨 주세요. 이메일로 답변드립니다.
form-name = 이름
form-email = 이메일 주소
form-subject = 제목
form-message = 문의 내용
form-honeypot = 이 칸은 비워 두세요
form-send = 보내기
form-thanks-title = 감사합니다
form-thanks = 문의가 티켓 #{ $number }(으)로 접수되었습니다. 요청 상태 확인과 내용 추가가 가능한 링크가 담긴 확인 메일을 보내 드립니다.
form-thanks-plain = 문의가 접수되었습니다. 요청 상태 확인과 내용 추가가 가능한 링크가 담긴 확인 메일을 보내 드립니다.
status-title = 티켓 #{ $number }
status-working = 담당자가 처리하고 있습니다.
status-auto = 자동으로 답변했습니다.
status-answered = 답변을 드렸으며 회신을 기다리고 있습니다.
status-solved = 해결됨.
status-closed = 종료됨.
status-received = 접수됨.
status-expected = { $when }까지 답변드릴 예정입니다.
status-private = 이 링크는 다른 사람과 공유하지 마세요. 비밀번호 없이 티켓이 열립니다.
status-you = 고객님
status-automatic = 자동 답변
status-confirmation = 확인
status-team = 저희 팀
status-rate = 답변이 도움이 되었나요?
status-rate-yes = 네, 도움이 되었어요
status-rate-no = 아니요
status-rated = 평가해 주셔서 감사합니다. 변경할 수 있습니다.
status-add = 요청에 내용 추가
status-message = 메시지
status-send = 보내기
status-ask-person = 상담원의 답변을 원합니다
status-asked-person = 상담원을 요청하셨습니다. 저희 팀원이 답변하며 더 이상 자동 답변하지 않습니다.
status-done-message = 감사합니다. 메시지가 추가되었습니다.
status-done-person = 저희 팀원이 답변합니다. 더 이상 자동 답변하지 않습니다.
status-done-rated = 평가해 주셔서 감사합니다.
