from .access import is_agent, is_customer


def roles(request):
    user = request.user
    return {"is_agent": is_agent(user), "is_customer": is_customer(user)}
