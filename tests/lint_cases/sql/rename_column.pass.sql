ALTER TABLE users ADD COLUMN nick text;
ALTER TABLE users RENAME COLUMN nick TO nickname;
CREATE TABLE profiles (id bigint PRIMARY KEY, bio text);
ALTER TABLE profiles RENAME COLUMN bio TO about;
