// After a passkey is added on the set-up page (django-otp-webauthn's register script fires
// otp_webauthn.register_complete): a first device gets its backup codes (a POST to the
// backup-codes page), anyone else goes on to where they were going.
document.addEventListener("otp_webauthn.register_complete", () => {
  const done = document.getElementById("passkey-done-form");
  if (done) {
    done.submit();
  } else {
    const next = document.querySelector("input[name='next']");
    window.location.assign(next ? next.value : "/admin/");
  }
});
