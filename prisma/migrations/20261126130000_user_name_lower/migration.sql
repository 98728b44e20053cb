-- Account names are unique whatever their case ("Bob" and "bob" are one account), enforced by the
-- database and indexed for the login lookup. (An expression index: Prisma's schema language has no
-- way to declare it, so it lives only here.)
CREATE UNIQUE INDEX "User_name_lower_key" ON "User" (lower("name"));
