# Customer-facing texts of Tandem: Português.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Olá, { $name },
greeting-anonymous = Olá,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Atenciosamente,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Obrigado pela sua mensagem. O número do seu ticket é #{ $number }.
    Uma pessoa da nossa equipe responderá pessoalmente; prevemos responder até { $when }.

    Para acrescentar algo, basta responder a este e-mail mantendo [#{ $number }] no assunto.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Obrigado pela sua mensagem. O número do seu ticket é #{ $number }.
    Uma pessoa da nossa equipe responderá pessoalmente; prevemos responder até { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Veja o estado do seu pedido ou acrescente algo aqui: { $link }

## The line under every automatic answer.
disclosure = Esta resposta foi escrita automaticamente pelo nosso assistente de suporte (ticket #{ $number }). Se não resolver o seu problema, responda com a palavra "{ human-word }" e uma pessoa assumirá o atendimento.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = humano
human-phrases = atendente humano, pessoa real, falar com alguém, falar com um atendente, um humano

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = segunda-feira, terça-feira, quarta-feira, quinta-feira, sexta-feira, sábado, domingo
months = janeiro, fevereiro, março, abril, maio, junho, julho, agosto, setembro, outubro, novembro, dezembro
when = { $weekday }, { $day } de { $month }, às { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Fale connosco
form-intro = Escreva-nos aqui; respondemos por e-mail.
form-name = O seu nome
form-email = O seu endereço de e-mail
form-subject = Assunto
form-message = A sua mensagem
form-honeypot = Deixe este campo vazio
form-send = Enviar
form-thanks-title = Obrigado
form-thanks = Recebemos a sua mensagem como pedido n.º { $number }. Vai receber uma confirmação por e-mail, com uma ligação para acompanhar o pedido e acrescentar algo.
form-thanks-plain = Recebemos a sua mensagem. Vai receber uma confirmação por e-mail, com uma ligação para acompanhar o pedido e acrescentar algo.
status-title = Pedido n.º { $number }
status-working = Uma pessoa da nossa equipa está a tratar disto.
status-auto = Respondemos automaticamente.
status-answered = Respondemos; aguardamos a sua resposta.
status-solved = Resolvido.
status-closed = Fechado.
status-received = Recebido.
status-expected = Esperamos responder até { $when }.
status-private = Mantenha esta ligação privada: abre este pedido sem palavra-passe.
status-you = Você
status-automatic = Resposta automática
status-confirmation = Confirmação
status-team = A nossa equipa
status-rate = A nossa resposta ajudou?
status-rate-yes = Sim, ajudou
status-rate-no = Não
status-rated = Obrigado pela sua avaliação. Pode alterá-la.
status-add = Acrescentar ao pedido
status-message = A sua mensagem
status-send = Enviar
status-ask-person = Quero a resposta de uma pessoa
status-asked-person = Pediu uma pessoa: responde alguém da nossa equipa e aqui nada mais é respondido automaticamente.
status-done-message = Obrigado: a sua mensagem foi acrescentada.
status-done-person = Vai responder uma pessoa da nossa equipa; aqui nada mais será respondido automaticamente.
status-done-rated = Obrigado pela sua avaliação.
