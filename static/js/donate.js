// The donation form (templates/giving/donate.html, giving/checkout.py): the card goes from
// Stripe.js's Card Element to Stripe (confirmCardSetup); the server then charges the amount
// it stored, and Stripe.js runs the bank's check (confirmCardPayment) when one is needed.
(function () {
  "use strict";
  var form = document.getElementById("donate-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var button = document.getElementById("donate-submit");
  var status = document.getElementById("donate-status");
  var problem = document.getElementById("donate-problem");

  function showProblem(text) {
    document.getElementById("donate-problem-text").textContent = text;
    problem.hidden = false;
    problem.focus();
  }

  function clearErrors() {
    problem.hidden = true;
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  function showFieldErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var message = document.createElement("p");
      message.className = "field-error js-error";
      message.textContent = errors[name].join(" ");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        var field = input.closest(".form-field");
        field.insertBefore(message, field.firstChild.nextSibling);
        first = first || input;
      } else {
        form.insertBefore(message, form.firstChild);
      }
    });
    showProblem("Please check the form: " + Object.keys(errors).map(function (name) {
      return errors[name].join(" ");
    }).join(" "));
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
    }).then(function (response) {
      return response.json().catch(function () { return {error: "Something went wrong on our side. Nothing was charged; please try again."}; });
    });
  }

  function complete(token) {
    var data = new FormData();
    data.append("token", token);
    return post(form.dataset.complete, data).then(function (answer) {
      if (answer.state === "authenticate") {
        status.textContent = "Your bank wants to confirm it is you…";
        return stripe.confirmCardPayment(answer.client_secret).then(function (result) {
          if (result.error) throw new Error(result.error.message || "Your bank's check was not completed, so nothing was charged.");
          return complete(token);
        });
      }
      if (answer.error) throw new Error(answer.error);
      window.location.assign(answer.redirect);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    status.textContent = "Checking…";
    post(form.dataset.start, new FormData(form)).then(function (answer) {
      if (answer.errors) { showFieldErrors(answer.errors); throw null; }
      if (answer.error) throw new Error(answer.error);
      status.textContent = "Saving your card with Stripe…";
      var details = {email: form.email.value};
      if (form.name.value) details.name = form.name.value;
      return stripe.confirmCardSetup(answer.client_secret, {
        payment_method: {card: card, billing_details: details},
      }).then(function (result) {
        if (result.error) throw new Error(result.error.message || "Your card was declined. Try another card.");
        status.textContent = "Taking your gift…";
        return complete(answer.token);
      });
    }).catch(function (error) {
      if (error) showProblem(error.message || "We could not reach our payment provider. Nothing was charged; please try again.");
      status.textContent = "";
      button.disabled = false;
    });
  });
})();
